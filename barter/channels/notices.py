"""Notices to communities, delivered in the webhook relay's rounds from the same outbox.

Each proposal event becomes one notification per channel of each community it names (every LINE
chat linked to it; its contact number by SMS when a gateway is configured). A notification is
claimed `FOR UPDATE SKIP LOCKED` in a transaction that also records its outcome, exactly like a
webhook delivery: a relay killed mid-send leaves it pending and the next relay sends it again.
LINE pushes carry the notification's own `X-Line-Retry-Key`, so that resend is answered 409 by
LINE and shown once; SMS has no such key and is at least once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import asyncpg

from barter.channels.line import outgoing, replies
from barter.channels.line.client import LineHttpClient, LinePlatform
from barter.channels.line.messages import TextMessage, text
from barter.channels.sms import SmsGateway, ThaiBulkSmsGateway, segments
from barter.domain import phone as phones
from barter.domain import thaidate
from barter.domain.numbers import figure
from barter.domain.units import thai_unit_for
from barter.services import catalogue
from barter.storage.repos import notices as repo
from barter.storage.repos.notices import NoticeResult
from barter.webhooks.relay import RelayConfig, retry_delay

if TYPE_CHECKING:
    from barter.settings import Settings

log = logging.getLogger("barter.notices")
SMS_MAX_PARTS = 3

_HEADLINES = {
    "proposal.approved": "ข้อเสนอแลกเปลี่ยน #{id} อนุมัติแล้ว เตรียมส่งของได้เลยค่ะ (approved)",
    "proposal.dispatched": "ข้อเสนอแลกเปลี่ยน #{id}: ของออกเดินทางแล้วค่ะ (on the way)",
    "proposal.arriving": "ข้อเสนอแลกเปลี่ยน #{id}: ของใกล้ถึงแล้วค่ะ คาดว่าถึง{when} (arriving soon)",
    "proposal.completed": "การแลกเปลี่ยน #{id} เสร็จสมบูรณ์ ขอบคุณค่ะ (completed)",
    "proposal.rejected": (
        "ข้อเสนอแลกเปลี่ยน #{id} ไม่ได้ไปต่อค่ะ ระบบกำลังหาข้อเสนอใหม่ให้ "
        "(declined or rejected; a new proposal is being looked for)"
    ),
    "proposal.expired": "ข้อเสนอแลกเปลี่ยน #{id} หมดเวลาตอบรับแล้วค่ะ ของที่จองไว้กลับเข้าตลาดแล้ว (expired)",
    "proposal.cancelled": "การแลกเปลี่ยน #{id} ถูกยกเลิกค่ะ (cancelled)",
}


def _headline(event_type: str, payload: Any, default: str) -> str:
    """The event's one line in Thai (English in brackets), with its proposal and expected time."""
    when = ""
    expected = payload.get("expected_at")
    if isinstance(expected, str):
        when = f" {thaidate.thai_about(datetime.fromisoformat(expected))}"
    return _HEADLINES.get(event_type, default).format(id=int(payload.get("proposal_id", 0)), when=when)


def _float(value: Any) -> float:
    return 0.0 if value is None else float(value)


def line_notice(row: Any) -> list[TextMessage]:
    """The LINE message for one notification: a new proposal with its answer buttons, a dispatch
    with the receipt buttons for a receiving community, otherwise the news in one line."""
    payload = row["payload"]
    proposal_id = int(payload.get("proposal_id", 0))
    if row["type"] == "proposal.proposed":
        return [
            replies.proposal_notice(
                proposal_id,
                row["explanation_th"] or "",
                _float(row["gives_value"]),
                _float(row["receives_value"]),
                ", ".join(row["partners"] or []) or "-",
                _float(row["distance_km"]),
                row["answer_by"],
            )
        ]
    headline = _headline(row["type"], payload, "ข้อเสนอแลกเปลี่ยน #{id} มีความคืบหน้าค่ะ")
    reason = payload.get("reason")
    if reason and row["type"] in ("proposal.rejected", "proposal.cancelled"):
        headline += f"\nเหตุผล: {reason}"
    if row["type"] in ("proposal.dispatched", "proposal.arriving") and row["receives"]:
        question = replies.receipt_question(proposal_id)
        return [
            text(
                headline + "\n" + question.text, question.quick_reply.items if question.quick_reply else None
            )
        ]
    return [text(headline)]


def sms_notice(row: Any) -> str:
    """A short SMS, no links, whole words: a new proposal as proposal_sms says it, any other news
    in its Thai line (the sender name already says it is barter)."""
    if row["type"] == "proposal.proposed":
        return proposal_sms(row)
    return _headline(row["type"], row["payload"], "ข้อเสนอ #{id} มีความคืบหน้าค่ะ").split(" (")[0]


SMS_WANTED_PARTS = 2  # a proposal SMS in two parts where it can be: every part is billed
# There is no inbound SMS: answering, and stopping SMS, go through the coordinator, whose number
# the SMS says when a coordinator of the community's region has given one (PUT /v1/keys/.../phone).
SMS_ANSWER = "ตอบหรือหยุด SMS: แจ้งผู้ประสานงาน"
SMS_CALL = ("ตอบหรือหยุด SMS: โทรผู้ประสานงาน {phone}", "ตอบหรือหยุด SMS: โทร {phone}")


def sms_answers(phone: str | None) -> tuple[str, ...]:
    """How to answer, the fuller first: call the coordinator at 081-234-5678 (as Thai people write
    a mobile number; who it is, where it fits: an unknown number in an SMS looks like a scam), or,
    with no number, tell the coordinator."""
    if phone is None:
        return (SMS_ANSWER,)
    return tuple(said.format(phone=phones.written(phone)) for said in SMS_CALL)


def proposal_sms(row: Any) -> str:
    """A new proposal by SMS, for a member who reads nothing else: what the community gives and
    gets, with whom, by when to answer and how (whom to call: the number is never left out). The
    most that fits SMS_WANTED_PARTS parts (else SMS_MAX_PARTS): the partners' names (the first,
    the others counted), the goods after the first of each side counted; the partner is left out
    only when nothing else fits; never a word cut."""
    proposal_id = int(row["payload"].get("proposal_id", 0))
    goods = row["goods"] or []
    gives = [_goods(g) for g in goods if g["gives"]]
    gets = [_goods(g) for g in goods if not g["gives"]]
    partners = list(row["partners"] or [])
    deadline = row["answer_by"]
    by = None if deadline is None else f"ตอบภายใน {thaidate.thai_moment(deadline, brief=True)}"
    answers = sms_answers(row.get("coordinator_phone"))

    def said(partner: str | None, gives: list[str], gets: list[str], answer: str) -> str:
        head = f"ข้อเสนอ #{proposal_id}" + ("" if partner is None else f" กับ{partner}") + ":"
        what = [f"{verb}{' และ'.join(side)}" for verb, side in (("ให้", gives), ("ได้", gets)) if side]
        return " ".join(part for part in (head, *what, by, answer) if part)

    first = None if not partners else partners[0]
    if len(partners) > 1:
        first = f"{partners[0]} และอีก {len(partners) - 1} ชุมชน"
    # Who the partner is matters more than a part: the goods are counted, then a third part
    # is paid, before the partner is left out (QA: the main swap's SMS named no partner). The
    # coordinator's number is always said; the word ผู้ประสานงาน before it goes first.
    candidates = [
        said(who, give, get, answer)
        for who, give, get in (
            (", ".join(partners) or None, gives, gets),
            (first, gives, gets),
            (first, _first(gives), _first(gets)),
        )
        for answer in answers
    ]
    for limit in (SMS_WANTED_PARTS, SMS_MAX_PARTS):
        for sms in candidates:
            if len(segments(sms)) <= limit:
                return sms
    return said(None, _first(gives), _first(gets), answers[-1])


def _goods(goods: Any) -> str:
    """ไข่ไก่ 300 ฟอง: the item's amount in its own counting word, no longer than ชิ้น in an SMS."""
    unit = thai_unit_for(goods["unit"], goods.get("item_id"))
    return f"{goods['item']} {figure(float(goods['quantity']))} {unit}"


def _first(side: list[str]) -> list[str]:
    return side[:1] if len(side) < 2 else [f"{side[0]} และอีก {len(side) - 1} รายการ"]


class Notices:
    """The notice half of a relay round: fan out new events, then send one batch of due notices."""

    def __init__(self, config: RelayConfig, *, line: LinePlatform | None, sms: SmsGateway | None) -> None:
        self.config = config
        self.line = line
        self.sms = sms
        self._rng = random.Random()  # noqa: S311 (retry jitter, not a secret)

    async def step(self, conn: asyncpg.Connection) -> int:
        events, _ = await repo.fan_out(conn, self.config.batch_size * 4, sms=self.sms is not None)
        # Answers to LINE events their webhook request did not send (a crash, LINE unreachable).
        replies_sent = (
            0 if self.line is None else await outgoing.send(conn, self.line, self.config, self._rng)
        )
        return events + replies_sent + await self._deliver_due(conn)

    async def _deliver_due(self, conn: asyncpg.Connection) -> int:
        async with conn.transaction():
            rows = await repo.claim_due(conn, self.config.batch_size)
            if not rows:
                return 0
            # goods added by another process (`barter relay` runs apart) said in their counting
            # word: ไก่ย่าง 9 ตัว (barter.domain.units.goods_known)
            await catalogue.current(conn)
            slots = asyncio.Semaphore(self.config.concurrency)
            # One chat or phone at a time, in event order (a proposal before its approval);
            # different recipients in parallel.
            by_target: dict[tuple[str, str], list[asyncpg.Record]] = {}
            for row in sorted(rows, key=lambda r: (r["event_id"], r["id"])):
                by_target.setdefault((row["channel"], row["target"]), []).append(row)
            batches = await asyncio.gather(*(self._in_order(group, slots) for group in by_target.values()))
            await repo.record(conn, [result for batch in batches for result in batch])
        return len(rows)

    async def _in_order(self, rows: list[asyncpg.Record], slots: asyncio.Semaphore) -> list[NoticeResult]:
        return [await self._attempt(row, slots) for row in rows]

    async def _attempt(self, row: asyncpg.Record, slots: asyncio.Semaphore) -> NoticeResult:
        number = row["attempts"] + 1
        if not row["consented"]:  # opted out of SMS (or changed number) since the notice was made
            return NoticeResult(row["id"], row["attempts"], "cancelled", 0.0, None, "opted out of SMS")
        parts: int | None = None
        status: int | None = None
        error: str | None = None
        retryable = False
        async with slots:
            if row["channel"] == "line":
                if self.line is None:
                    error = "LINE is not configured"
                else:
                    sent = await self.line.push(
                        row["target"], line_notice(row), uuid.UUID(str(row["retry_key"]))
                    )
                    status, error, retryable = sent.status, sent.error, sent.retryable
            elif self.sms is None:
                error = "SMS is not configured"
            else:
                result = await self.sms.send(row["target"], sms_notice(row))
                status, error, retryable, parts = result.status, result.error, result.retryable, result.parts
        if error is None:
            state, retry_in = "sent", 0.0
        elif retryable and number < self.config.max_attempts:
            state, retry_in = "pending", retry_delay(self.config, number, self._rng)
        else:
            state, retry_in = "failed", 0.0
        if error is not None:
            log.info("notice %d attempt %d: %s", row["id"], number, error)
        return NoticeResult(row["id"], number, state, retry_in, status, error, parts)

    async def aclose(self) -> None:
        for client in (self.line, self.sms):
            close = getattr(client, "aclose", None)
            if close is not None:
                await close()


def notices_from_settings(settings: Settings, config: RelayConfig) -> Notices:
    """Notices with the channels the settings turn on (LINE and ThaiBulkSMS); either may be off."""
    line = (
        LineHttpClient(
            settings.line_channel_access_token, base_url=settings.line_api_base, timeout_s=config.timeout_s
        )
        if settings.line_enabled and settings.line_channel_access_token
        else None
    )
    sms = (
        ThaiBulkSmsGateway(
            settings.sms_api_key or "",
            settings.sms_api_secret or "",
            sender=settings.sms_sender or "",
            base_url=settings.sms_api_base,
            timeout_s=config.timeout_s,
        )
        if settings.sms_enabled
        else None
    )
    return Notices(config, line=line, sms=sms)
