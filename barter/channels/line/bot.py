"""One LINE webhook event in, the replies out: the conversation, over barter/services/line.

Each event is handled in its own transaction (the caller's), which first records the event's
webhookEventId: a redelivered event finds it and does nothing. Unlinked chats get a polite
answer and nothing else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

import asyncpg
import msgspec

from barter.channels.line import replies
from barter.channels.line.events import Event
from barter.channels.line.messages import Message, TextMessage
from barter.domain import refusals
from barter.domain.clock import Clock, thai_today
from barter.domain.courtesy import courtesy
from barter.domain.errors import BarterError
from barter.domain.model import Unit
from barter.domain.receipt_text import ReceiptWords, names_goods, read_receipt_statement, read_receipt_words
from barter.domain.thai_text import CatalogueEntry, Draft, QuantityReading, read_post, read_quantity
from barter.schemas.proposals import TransferOut
from barter.services import line as service
from barter.services.existing import TransitionConflict

MAX_TEXT = 1000  # longer messages are not listings: the example in a 1:1 chat, nothing in a group


@dataclass(frozen=True, slots=True)
class Context:
    secret: str  # the server secret: link codes are looked up by their keyed hash
    catalogue: Sequence[CatalogueEntry]
    clock: Clock
    history: timedelta  # events older than this are ignored as replays (Settings.line_history_days)


async def handle(conn: asyncpg.Connection, ctx: Context, event: Event) -> list[Message]:
    """The replies to one event (none for a replay, a standby channel, or an event with no chat)."""
    source = event.source
    chat_id = None if source is None else source.chat_id
    if event.mode != "active" or source is None or chat_id is None:
        return []
    sent_at = datetime.fromtimestamp(event.timestamp / 1000, UTC)
    if not await service.first_time(
        conn,
        event.webhook_event_id,
        event.type,
        chat_id,
        sent_at=sent_at,
        now=ctx.clock.now(),
        history=ctx.history,
    ):
        return []
    if event.type in ("follow", "join"):
        link = await service.link_for(conn, chat_id)
        return [replies.not_linked()] if link is None else [replies.already_linked(link.community_name_th)]
    message = event.text
    if message is not None:
        code, issued_only = service.code_in(message), False
        if code is None:  # all letters, as codes were before they had a digit: one if issued
            code, issued_only = service.letters_code_in(message), True
        if code is not None:
            result, link = await service.redeem_code(
                conn,
                ctx.secret,
                code,
                chat_id=chat_id,
                chat_type=source.type,
                user_id=source.user_id,
                now=ctx.clock.now(),
                issued_only=issued_only,
            )
            if result == "linked":
                assert link is not None
                return [replies.linked(link.community_name_th)]
            if result == "already_linked":
                assert link is not None
                return [replies.already_linked(link.community_name_th)]
            if result == "bad_code":
                return [replies.bad_code()]
            # "not_a_code": words of a code's shape ("HAPPYDAY"), read as any other message
    link = await service.link_for(conn, chat_id)
    if link is None:
        if message is not None and source.type != "user" and not _a_post(ctx, message):
            # a group's talk: it heard how to link when the bot joined, and hears it again when
            # someone writes a post (a QA pass: "สวัสดีทุกคน" got the not-linked answer every time)
            return []
        return [replies.not_linked()] if event.type in ("message", "postback") else []
    if message is not None:
        sender = Sender(source.user_id, in_group=source.type != "user")
        return await _refusing(conn, lambda: _post(conn, ctx, link, message, sender))
    if event.type == "postback" and event.postback is not None:
        fields = event.postback.fields()
        draft_id = _int(fields, "d") if fields.get("a") == "confirm" else None
        return await _refusing(conn, lambda: _postback(conn, ctx, link, fields, source.user_id), draft_id)
    return []


async def _refusing(
    conn: asyncpg.Connection, work: Callable[[], Awaitable[list[Message]]], draft_id: int | None = None
) -> list[Message]:
    """The replies of a typed message or a tap, or what the service refused on the way said in
    Thai (a refused confirmation with the buttons to fix its draft, `draft_id`)."""
    try:
        # A savepoint: a refused action undoes itself, while the event stays recorded as handled.
        async with conn.transaction():
            return await work()
    except service.DraftGone:
        return [replies.draft_gone()]
    except service.ReceiptInProgress:
        return [replies.receipt_in_progress()]
    except TransitionConflict as exc:
        return [_conflict(exc)]
    except BarterError as exc:
        return [replies.refused(refusals.said(exc), draft_id)]


@dataclass(frozen=True, slots=True)
class Sender:
    """Who wrote a typed message: the LINE user (None when LINE did not say), and whether in a
    group or room, where members talk among themselves, rather than a 1:1 chat with the bot."""

    user_id: str | None
    in_group: bool


async def _post(
    conn: asyncpg.Connection, ctx: Context, link: service.Link, message: str, sender: Sender
) -> list[Message]:
    """A typed message: stop SMS, an answer to the receipt question the sender was asked, or a
    post to confirm. In a group, what is none of these is the members' own talk: no answer."""
    if len(message) > MAX_TEXT:
        return [] if sender.in_group else [replies.unreadable()]
    if service.stops_sms(message):
        return [replies.sms_stopped(await service.stop_sms(conn, link, ctx.clock.now()))]
    words = read_receipt_words(message)
    statement = None if words is not None else read_receipt_statement(message, ctx.catalogue)
    goods, answer = None, message
    if statement is not None:  # "ได้รับข้าวหอมมะลิแล้ว 148 กิโล": never a listing of the rice
        words, goods, answer = statement.words, statement.goods, statement.amount_text or message
    receipt = await service.receipt_asked_of(conn, link, sender.user_id, ctx.clock.now())
    if receipt is not None and words is not None:
        answered = await _receipt_text(conn, ctx, link, receipt, answer, words)
        if answered is not None:
            return answered
    if words is not None and words.received and words.said in ("all", "arrived", "amount", "condition"):
        return await _told_received(conn, ctx, link, answer, words, sender, goods)
    if receipt is None and words is not None and words.said != "not_yet":
        late = await service.receipt_expired_of(conn, link, sender.user_id, ctx.clock.now())
        if late is not None:  # an answer to the member's own question that ran out: said so
            return [replies.receipt_expired(late, service.RECEIPT_TTL)]
    reading = read_post(message, ctx.catalogue, thai_today(ctx.clock.now()))
    if sender.in_group and not any(_addressed(d) for d in reading.drafts):
        return []
    if not reading.drafts:  # a hello or thanks alone is answered in kind, not "could not read that"
        said = courtesy(message)
        return [
            replies.greeted() if said == "greeting" else replies.thanked() if said else replies.unreadable()
        ]
    noted = await service.note_unknown_goods(conn, link, reading.drafts, ctx.clock.now())
    draft_id = await service.save_draft(conn, link, message, reading.drafts)
    return [replies.draft_reply(draft_id, reading.drafts, ctx.catalogue, noted=noted)]


def _a_post(ctx: Context, message: str) -> bool:
    """The message reads as a post the bot would answer in a group."""
    return any(_addressed(d) for d in read_post(message, ctx.catalogue, thai_today(ctx.clock.now())).drafts)


def _addressed(draft: Draft) -> bool:
    """A draft read from group talk is answered when it says two of: offered or needed, a known
    item (by name, or a guess with an amount), an amount (with its unit, or of a known item: its
    own unit), a category named as one ("ต้องการข้าว 100 กิโล": any rice), known goods one or the
    other ("ปลาเค็ม 20 กิโล หรือปลาแห้ง 10 กิโล", each amount its own). "มีปลาเค็ม", "ต้องการข้าว 100
    กิโล", "ปลาเคม 200 กิโล" and "ปลาเค็ม 200" are posts to help with; "พรุ่งนี้ประชุม 10 โมงนะ",
    "มีปลาเคม" and "ข้าวหอมมะลิอร่อยมาก" are talk."""
    amount = bool(draft.choice_amounts) or (
        draft.quantity is not None and (draft.unit_text is not None or draft.item_id is not None)
    )
    said = (
        draft.kind is not None,
        (draft.item_id is not None and (not draft.guessed or amount))
        or draft.category_id is not None
        or bool(draft.choices),  # known goods, one or the other: "ปลาเค็มหรือปลาแห้ง"
        amount,
    )
    return sum(said) >= 2


def _int(fields: dict[str, str], name: str) -> int | None:
    raw = fields.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


async def _postback(
    conn: asyncpg.Connection, ctx: Context, link: service.Link, fields: dict[str, str], user_id: str | None
) -> list[Message]:
    action = fields.get("a")
    draft_id, proposal_id = _int(fields, "d"), _int(fields, "p")
    if draft_id is not None and action in ("confirm", "cancel", "edit", "kind", "swap", "pick"):
        return await _draft_action(conn, ctx, link, action, draft_id, fields)
    if proposal_id is not None and action in ("accept", "decline", "recv"):
        return await _proposal_action(conn, ctx, link, action, proposal_id, fields, user_id)
    prompt_id = _int(fields, "i")
    if prompt_id is not None and action == "rq":
        return await _receipt_action(conn, ctx, link, prompt_id, fields.get("v", ""), user_id)
    return []


def _conflict(exc: TransitionConflict) -> TextMessage:
    if exc.detail_th:  # one that says more than the state (a receipt before dispatch)
        return replies.refused(refusals.said(exc))
    status = str(exc.extra.get("state", ""))
    if status == "proposed":  # the chat answers a proposal then: only a receipt can be too early
        return replies.refused([refusals.Words("ข้อเสนอนี้ยังรอทุกฝ่ายตอบรับอยู่ ยังบันทึกการรับของไม่ได้ค่ะ", exc.detail)])
    state = replies.STATUS_TH.get(status, status)
    return replies.refused([refusals.Words(f"ข้อเสนอนี้ทำรายการนี้ไม่ได้แล้ว สถานะตอนนี้: {state}", exc.detail)])


async def _draft_action(
    conn: asyncpg.Connection,
    ctx: Context,
    link: service.Link,
    action: str,
    draft_id: int,
    fields: dict[str, str],
) -> list[Message]:
    if action == "confirm":
        try:
            posted = await service.confirm_draft(conn, link, draft_id, ctx.clock)
        except service.DraftNotReady as unready:  # its day passed since: asked again, not posted
            return [_tapped_reply(ctx, draft_id, unready.drafts)]
        named = [(p, replies.any_kind(p.item_name_th) if p.category_id else p.item_name_th) for p in posted]
        return [replies.posted([(p.kind, p.id, p.item_id, name, p.quantity, p.unit) for p, name in named])]
    if action == "swap":  # which side of "อยากแลก A กับ B" the community gives: way 1 is A
        way = fields.get("g")
        if way not in ("1", "2"):
            return []
        drafts = await service.set_sides(
            conn,
            link,
            draft_id,
            first_given=way == "1",
            catalogue=ctx.catalogue,
            today=thai_today(ctx.clock.now()),
        )
        return [_tapped_reply(ctx, draft_id, drafts)]
    if action == "pick":  # which of goods written one or the other ("ปลาเค็มหรือปลาแห้ง")
        line, item_id = _int(fields, "n"), fields.get("i", "")
        if line is None or not item_id:
            return []
        drafts = await service.set_item(
            conn,
            link,
            draft_id,
            line=line,
            item_id=item_id,
            catalogue=ctx.catalogue,
            today=thai_today(ctx.clock.now()),
        )
        return [_tapped_reply(ctx, draft_id, drafts)]
    if action == "kind":
        kind = fields.get("k")
        if kind not in ("offer", "need"):
            return []
        today = thai_today(ctx.clock.now())
        drafts = await service.set_kind(conn, link, draft_id, kind, today)  # type: ignore[arg-type]
        return [_tapped_reply(ctx, draft_id, drafts)]
    await service.cancel_draft(conn, link, draft_id)
    return [replies.cancelled() if action == "cancel" else replies.edit()]


def _tapped_reply(ctx: Context, draft_id: int, drafts: Sequence[Draft]) -> TextMessage:
    """The draft as a tap on its buttons left it (offer or need, which side, ยืนยัน after its day
    passed): what is still asked is said for someone who tapped, with the goods kept for the
    coordinators when its message came said so again."""
    noted = service.noted_goods(drafts)
    return replies.draft_reply(draft_id, drafts, ctx.catalogue, noted=noted, tapped=True)


async def _proposal_action(
    conn: asyncpg.Connection,
    ctx: Context,
    link: service.Link,
    action: str,
    proposal_id: int,
    fields: dict[str, str],
    user_id: str | None,
) -> list[Message]:
    if action == "accept":
        outcome = await service.answer_proposal(conn, link, proposal_id, "accept", ctx.clock)
        if outcome.conflict is not None:  # the hold ran out on the way: that expiry is kept
            return [_conflict(outcome.conflict)]
        return [replies.proposal_moved("accept", outcome.proposal.status)]
    if action == "decline":
        reason = next((r for code, _, r in replies.DECLINE_REASONS if code == fields.get("r")), None)
        if reason is None:
            return [replies.decline_reasons(proposal_id)]
        outcome = await service.answer_proposal(conn, link, proposal_id, "decline", ctx.clock, reason=reason)
        if outcome.conflict is not None:
            return [_conflict(outcome.conflict)]
        return [replies.proposal_moved("decline", outcome.proposal.status)]
    question = fields.get("q")
    asker = fields.get("by")  # on the buttons of the question "received all of it?": whose it is
    if asker is not None and question in ("ok", "short", "cancel") and (asker or None) != user_id:
        return [replies.receipt_not_yours(asker or None)]  # in a group, another member's question
    if question == "all":  # the notice's ได้รับครบแล้ว: what would be recorded, to confirm
        awaited = await service.awaited_receipt(conn, link, proposal_id)
        return [replies.received_all_question(awaited, user_id)]
    if question == "cancel":
        return [replies.cancelled()]
    if question == "ok":
        if asker is None:  # a ยืนยัน ได้รับครบ of before it was tied to its asker: asked again, tied
            awaited = await service.awaited_receipt(conn, link, proposal_id)
            return [replies.received_all_question(awaited, user_id)]
        outcome = await service.receive_all(conn, link, proposal_id, ctx.clock, user_id)
        if outcome.conflict is not None:
            return [_conflict(outcome.conflict)]
        return [replies.proposal_moved("complete", outcome.proposal.status)]
    if question == "short":
        asked = await service.start_receipt(conn, link, proposal_id, ctx.clock.now(), user_id)
        return [replies.receipt_ask(asked)]
    awaited = await service.awaited_receipt(conn, link, proposal_id)
    amount = _amount_field(fields)
    if amount is None:
        return [replies.received_all_question(awaited, user_id)]
    # Chosen after an amount was typed ("ได้ของแล้ว 100 กิโล"): that amount is the answer.
    receipt = await service.start_receipt(conn, link, proposal_id, ctx.clock.now(), user_id)
    if len(awaited.transfers) > 1:  # which of its goods the amount is of: asked one by one
        return [replies.receipt_ask(receipt)]
    return await _quantity_told(conn, link, receipt, amount, ctx.clock.now())


async def _receipt_text(
    conn: asyncpg.Connection,
    ctx: Context,
    link: service.Link,
    receipt: service.Receipt,
    message: str,
    words: ReceiptWords,
) -> list[Message] | None:
    """A typed answer to the receipt question its sender was asked; None when the message is not
    one (it is then read as anything else)."""
    now = ctx.clock.now()
    if words.said == "not_yet":  # still on its way: no shortfall to record, the question ends
        await service.cancel_receipt(conn, link, receipt, now)
        return [replies.receipt_not_yet()]
    if receipt.asking == "quantity":
        reading: QuantityReading | None = None  # all of it
        if words.said == "arrived":  # asked how much, and told only that it came: asked again
            return [replies.receipt_ask(receipt)]
        if words.said == "nothing":
            reading = QuantityReading(quantity=0.0, unit=None, condition="short")
        elif words.said == "amount":
            reading = _typed_amount(ctx, message, words)
            if reading is None:
                return None
        elif words.said != "all":
            return None
        return await _quantity_told(conn, link, receipt, reading, now)
    if receipt.asking == "condition" and words.said in ("condition", "nothing") and words.condition:
        receipt = await service.receipt_condition(conn, link, receipt, words.condition, now)
        return [replies.receipt_ask(receipt)]
    return None


async def _quantity_told(
    conn: asyncpg.Connection,
    link: service.Link,
    receipt: service.Receipt,
    reading: QuantityReading | None,
    now: datetime,
) -> list[Message]:
    """The quantity of the goods asked about (None: all of it), and the next question; one that
    cannot be (more than planned, another unit) is said so, and asked again."""
    try:
        async with conn.transaction():
            receipt = await service.receipt_quantity(conn, link, receipt, reading, now)
    except service.ReceiptRefused as refused:
        return replies.receipt_refused(refused.receipt, refused.reason)
    return [replies.receipt_ask(receipt)]


def _amount_field(fields: dict[str, str]) -> QuantityReading | None:
    """The amount typed before the exchange was chosen, carried on its button (n, u, c, l when it
    is the amount lost, k when it was counted in containers: "2 กระสอบ")."""
    try:
        quantity = float(fields.get("n", ""))
    except ValueError:
        return None
    unit, condition, lost, counted_in = fields.get("u"), fields.get("c"), fields.get("l"), fields.get("k")
    if (
        not math.isfinite(quantity)
        or quantity < 0
        or unit not in (None, *get_args(Unit))
        or condition not in (None, "short", "spoiled")
        or lost not in (None, "1")
        or (counted_in is not None and not re.fullmatch(r"[\u0E00-\u0E7F]{1,12}", counted_in))
    ):
        return None
    return QuantityReading(
        quantity=quantity,
        unit=unit,  # type: ignore[arg-type]
        condition=condition,
        lost=lost == "1",
        counted_in=counted_in,
    )


async def _told_received(
    conn: asyncpg.Connection,
    ctx: Context,
    link: service.Link,
    message: str,
    words: ReceiptWords,
    sender: Sender,
    goods: str | None = None,
) -> list[Message]:
    """Goods received, said in words without a question asked ("ได้รับแล้วค่ะ", "ได้ของแล้ว 120
    กิโล", "ได้รับแล้ว แต่ไม่ครบ"): of the one exchange on its way, confirmed with a button (an
    amount, or less than all, starts the partial receipt); with several, which one is asked first
    (only those of the `goods` named, when some are). Never read as a listing."""
    awaited = await service.awaited_receipts(conn, link)
    if not awaited:
        return [] if sender.in_group else [replies.nothing_awaited()]
    if goods is not None:
        named = [a for a in awaited if any(names_goods(goods, _names(ctx, t)) for t in a.transfers)]
        awaited = named or awaited
    if len(awaited) > 1:
        return [replies.which_received(awaited, _typed_amount(ctx, message, words))]
    [one] = awaited
    if words.said == "condition":  # "ได้รับแล้ว แต่ไม่ครบ": how much did arrive is asked at once
        asked = await service.start_receipt(conn, link, one.proposal_id, ctx.clock.now(), sender.user_id)
        return [replies.receipt_ask(asked)]
    if words.said != "amount":
        return [replies.received_all_question(one, sender.user_id)]
    receipt = await service.start_receipt(conn, link, one.proposal_id, ctx.clock.now(), sender.user_id)
    if len(one.transfers) > 1:  # which of its goods the amount is of: asked one by one
        return [replies.receipt_ask(receipt)]
    return await _receipt_text(conn, ctx, link, receipt, message, words) or [replies.receipt_ask(receipt)]


def _typed_amount(ctx: Context, message: str, words: ReceiptWords) -> QuantityReading | None:
    """The amount a receipt typed in words says, with how the rest fared, and whether it is the
    amount lost ("เสียไป 10 กิโล"); None when it says none."""
    if words.said != "amount":
        return None
    reading = read_quantity(message, ctx.catalogue)
    if reading is not None and (words.condition is not None or words.lost):
        reading = msgspec.structs.replace(
            reading, condition=words.condition or reading.condition, lost=words.lost
        )
    return reading


def _names(ctx: Context, transfer: TransferOut) -> tuple[str, ...]:
    """What a community may call the goods of a transfer: its name and the catalogue's others."""
    entry = next((e for e in ctx.catalogue if e.id == transfer.item_id), None)
    return (transfer.item_name_th, *(() if entry is None else entry.synonyms_th))


async def _receipt_action(
    conn: asyncpg.Connection,
    ctx: Context,
    link: service.Link,
    prompt_id: int,
    value: str,
    user_id: str | None,
) -> list[Message]:
    now = ctx.clock.now()
    try:
        receipt = await service.receipt_tapped(conn, link, prompt_id, now, user_id)
    except service.ReceiptNotYours as theirs:  # in a group, another member's question: theirs to answer
        return [replies.receipt_not_yours(theirs.receipt.asked_by)]
    except service.ReceiptClosed as closed:
        if closed.expired and closed.proposal_id is not None:
            return [replies.receipt_expired(closed.proposal_id, service.RECEIPT_TTL)]
        return [replies.receipt_cancelled() if closed.cancelled else replies.draft_gone()]
    if value == "cancel":
        await service.cancel_receipt(conn, link, receipt, now)
        return [replies.cancelled()]
    if value == "restart":
        return [replies.receipt_ask(await service.restart_receipt(conn, link, receipt, now))]
    if value == "all" and receipt.asking == "quantity":
        return [replies.receipt_ask(await service.receipt_quantity(conn, link, receipt, None, now))]
    if value in ("short", "spoiled") and receipt.asking == "condition":
        condition: Literal["short", "spoiled"] = "short" if value == "short" else "spoiled"
        return [replies.receipt_ask(await service.receipt_condition(conn, link, receipt, condition, now))]
    if value == "ok" and receipt.asking == "confirm":
        outcome = await service.confirm_receipt(conn, link, receipt, ctx.clock)
        if outcome.conflict is not None:
            return [_conflict(outcome.conflict)]
        return [replies.receipt_recorded(receipt, outcome.proposal.status)]
    return [replies.receipt_ask(receipt)]  # a button of an earlier step: ask what is asked now
