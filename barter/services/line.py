"""LINE use cases: link codes, linked chats, handled events, drafts and their confirmation.

A coordinator of the community's region (or an admin) issues a one-time code; the first LINE chat
that sends it is linked to the community and acts for it through a key of its own (role
community, `via="line"`), so the listing and proposal rules and the audit log apply unchanged.
Codes are stored only as keyed hashes, expire after CODE_TTL, and are audited with every link
and revocation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, Literal, TypeVar

import asyncpg
import msgspec

from barter.domain.access import Caller, CommunityRef, require_acts_for, require_role
from barter.domain.clock import Clock, thai_today
from barter.domain.courtesy import PARTICLES
from barter.domain.errors import Conflict, NotFound, ValidationFailed
from barter.domain.keys import generate_key
from barter.domain.proposals import require_applies
from barter.domain.receipts import TOLERANCE, Stated
from barter.domain.thai_text import (
    CatalogueEntry,
    Draft,
    QuantityReading,
    item_chosen,
    kind_chosen,
    outdated,
    sides_chosen,
)
from barter.domain.units import thai_unit_for
from barter.schemas.base import Input, checked
from barter.schemas.sms import SmsConsentIn
from barter.services import existing, sms_consent, unknown_goods
from barter.storage.repos import audit
from barter.storage.repos import communities as communities_repo
from barter.storage.repos import keys as keys_repo
from barter.storage.repos import line as repo
from barter.storage.repos import line_replies as replies_repo
from barter.storage.repos import proposals as proposals_repo

_Input = TypeVar("_Input", bound=Input)

CODE_TTL = timedelta(hours=48)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
# what people say around a code or a request: "สวัสดีค่ะ รหัสเชื่อมต่อ ABC2-DEF3 ครับผม 🙏",
# "หยุดส่ง SMS มาแล้วนะคะ ขอบคุณค่ะ"
_WORDS_AFTER = (*PARTICLES, "ครับผม", "ขอบคุณ", "ขอบใจ", "มาก", "ด้วย", "หน่อย", "แล้ว", "เลย", "ทีนะ", "ที", "มา")
_POLITE = rf"(?:\s*(?:{'|'.join(sorted(_WORDS_AFTER, key=len, reverse=True))}))*\s*[.!~]*\s*$"
_GREETING = rf"(?:สวัสดี(?:\s*(?:ครับผม|{'|'.join(PARTICLES)}))*\s*)?"
_CODE = re.compile(
    r"^\s*" + _GREETING + r"(?:(?:นี่|นี้|คือ|ส่ง)?\s*(?:รหัส(?:เชื่อม(?:ต่อ)?|ลิงก์|ลิ้งค์)?|code)\s*(?:คือ)?\s*:?\s*)?"
    r"([A-Za-z2-9]{4})[-\s]?([A-Za-z2-9]{4})" + _POLITE,
    re.IGNORECASE,
)
# emoji, their joiners and variation selectors, and the dashes a phone keyboard makes of "-"
_DECORATION = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u200d": None, "\ufe0f": None})


def _plain(text: str) -> str:
    """The message without its emoji and with plain hyphens (what the patterns read)."""
    return "".join(
        ch for ch in text.translate(_DECORATION) if unicodedata.category(ch) not in ("So", "Sk", "Cs")
    )


def generate_code() -> str:
    """Eight characters with a letter and a digit among them: what is all digits ("55555555",
    laughter) or all letters ("HAPPYDAY") is never a code."""
    while True:
        body = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
        if _mixed(body):
            return f"{body[:4]}-{body[4:]}"


def _mixed(code: str) -> bool:
    return any(ch.isdigit() for ch in code) and any(ch.isalpha() for ch in code)


def _code_shaped(text: str) -> str | None:
    """What a message consisting of one code-shaped word would be as a code, normalised."""
    match = _CODE.match(_plain(text))
    if match is None:
        return None
    code = (match.group(1) + match.group(2)).upper()
    if any(ch not in _CODE_ALPHABET for ch in code):
        return None
    return f"{code[:4]}-{code[4:]}"


def code_in(text: str) -> str | None:
    """The link code a message consists of ("ABC2-DEF3", "รหัส abc2 def3"), normalised."""
    code = _code_shaped(text)
    return code if code is not None and _mixed(code) else None


def letters_code_in(text: str) -> str | None:
    """An all-letter code the message consists of ("WPZK-MYHA ค่ะ"), as codes issued before they
    had a digit (commit 037d668) could be; the same shape as words ("HAPPYDAY", "good luck"), so
    it is a code only if it was issued (redeem_code(issued_only=True) asks the table)."""
    code = _code_shaped(text)
    return code if code is not None and code.replace("-", "").isalpha() else None


def code_hash(secret: str, code: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), b"line-code:" + code.encode("ascii"), hashlib.sha256).digest()


class CodeOut(msgspec.Struct):
    id: int
    community_id: int
    code: str  # shown once
    expires_at: datetime

    shown_once: ClassVar[tuple[str, ...]] = ("code",)  # only its HMAC is kept


class ActiveCodeOut(msgspec.Struct):
    """A code issued and not yet used, revoked or expired (its text was shown once, at issue)."""

    id: int
    community_id: int
    created_at: datetime
    expires_at: datetime


class LinkOut(msgspec.Struct):
    id: int
    chat_type: str
    community_id: int
    community_name_th: str | None
    linked_by: str | None
    created_at: datetime
    revoked_at: datetime | None


def link_out(row: asyncpg.Record) -> LinkOut:
    return LinkOut(
        id=row["id"],
        chat_type=row["chat_type"],
        community_id=row["community_id"],
        community_name_th=row["community_name_th"],
        linked_by=row["linked_by"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


async def _coordinated(conn: asyncpg.Connection, caller: Caller, community_id: int) -> CommunityRef:
    """Codes and links are managed by an admin or a coordinator of the community's region."""
    require_role(caller, "admin", "coordinator")
    return require_acts_for(caller, await communities_repo.ref(conn, community_id))


async def issue_code(
    conn: asyncpg.Connection, caller: Caller, secret: str, community_id: int, now: datetime
) -> CodeOut:
    community = await _coordinated(conn, caller, community_id)
    code = generate_code()
    row = await repo.insert_code(conn, code_hash(secret, code), community_id, caller.key_id, now + CODE_TTL)
    await audit.record(
        conn,
        caller,
        action="issue",
        entity="line_code",
        entity_id=row["id"],
        community_id=community_id,
        region=community.region,
        after={"expires_at": row["expires_at"].isoformat()},
    )
    return CodeOut(id=row["id"], community_id=community_id, code=code, expires_at=row["expires_at"])


async def revoke_code(
    conn: asyncpg.Connection, caller: Caller, code_id: int, *, community_id: int | None = None
) -> None:
    """Revoke an unused code; `community_id` (a path that names the community) must be the code's."""
    found = await repo.get_code(conn, code_id)
    if found is None or community_id not in (None, found["community_id"]):
        raise NotFound("No link code with that id", detail_th="ไม่พบรหัสเชื่อม LINE ตามรหัสนี้")
    community = await _coordinated(conn, caller, found["community_id"])
    if await repo.revoke_code(conn, code_id) is None:
        raise Conflict(
            "The code was already used or revoked", code="code_used", detail_th="รหัสนี้ถูกใช้หรือยกเลิกไปแล้ว"
        )
    await audit.record(
        conn,
        caller,
        action="revoke",
        entity="line_code",
        entity_id=code_id,
        community_id=community.id,
        region=community.region,
    )


async def active_codes(
    conn: asyncpg.Connection, caller: Caller, community_id: int, now: datetime
) -> list[ActiveCodeOut]:
    await _coordinated(conn, caller, community_id)
    return [ActiveCodeOut(**dict(r)) for r in await repo.active_codes(conn, community_id, now)]


async def list_links(conn: asyncpg.Connection, caller: Caller, community_id: int) -> list[LinkOut]:
    await _coordinated(conn, caller, community_id)
    return [link_out(r) for r in await repo.list_links(conn, community_id)]


async def revoke_link(
    conn: asyncpg.Connection, caller: Caller, link_id: int, *, community_id: int | None = None
) -> LinkOut:
    """Unlink a chat; `community_id` (a path that names the community) must be the link's."""
    found = await repo.get_link(conn, link_id)
    if found is None or community_id not in (None, found["community_id"]):
        raise NotFound("No LINE link with that id", detail_th="ไม่พบการเชื่อม LINE ตามรหัสนี้")
    await _coordinated(conn, caller, found["community_id"])
    row = await repo.revoke_link(conn, link_id, caller.key_id)
    if row is None:
        return link_out(found)  # already revoked: a retry changes nothing
    out = link_out(row)
    await audit.record(
        conn,
        caller,
        action="revoke",
        entity="line_link",
        entity_id=link_id,
        community_id=out.community_id,
        region=row["region"],
        after=msgspec.to_builtins(out),
    )
    return out


# --- the chat's side ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    id: int
    chat_id: str
    community_id: int
    community_name_th: str | None
    region: str
    caller: Caller


def _link(row: asyncpg.Record) -> Link:
    return Link(
        id=row["id"],
        chat_id=row["chat_id"],
        community_id=row["community_id"],
        community_name_th=row["community_name_th"],
        region=row["region"],
        caller=Caller(key_id=row["key_id"], role="community", community_id=row["community_id"], via="line"),
    )


async def link_for(conn: asyncpg.Connection, chat_id: str) -> Link | None:
    row = await repo.active_link(conn, chat_id)
    return None if row is None else _link(row)


async def first_time(
    conn: asyncpg.Connection,
    event_id: str,
    event_type: str,
    chat_id: str | None,
    *,
    sent_at: datetime,
    now: datetime,
    history: timedelta,
) -> bool:
    """Record a webhook event; False when it was handled before (LINE redelivers), or when it is
    older than the history kept (`prune` forgets ids after that, so it could not be told apart)."""
    if sent_at < now - history:
        return False
    return await repo.claim_event(conn, event_id, event_type, chat_id, now)


PRUNE_BATCH = 5_000  # rows of each table one sweep deletes at most (the rest wait for the next)


async def prune(conn: asyncpg.Connection, now: datetime, history: timedelta) -> int:
    """Forget webhook events, sent answers and finished receipt conversations older than the
    history (the sweeper calls this). Returns the rows deleted."""
    before = now - history
    return await repo.prune(conn, before, PRUNE_BATCH) + await replies_repo.prune(conn, before, PRUNE_BATCH)


RedeemResult = Literal["linked", "already_linked", "bad_code", "not_a_code"]


async def redeem_code(
    conn: asyncpg.Connection,
    secret: str,
    code: str,
    *,
    chat_id: str,
    chat_type: str,
    user_id: str | None,
    now: datetime,
    issued_only: bool = False,
) -> tuple[RedeemResult, Link | None]:
    """Link the chat with the code. `issued_only`: the code has the shape of words (all letters),
    and is one only if it was ever issued (used or run out: then a bad code); "not_a_code" else."""
    if issued_only and not await repo.code_issued(conn, code_hash(secret, code)):
        return "not_a_code", None
    existing = await link_for(conn, chat_id)
    if existing is not None:
        return "already_linked", existing
    claimed = await repo.claim_code(conn, code_hash(secret, code), now)
    if claimed is None:
        return "bad_code", None
    community_id = claimed["community_id"]
    await repo.retire_stale_links(conn, chat_id)
    key = await keys_repo.insert_key(
        conn,
        secret=secret,
        key=generate_key(),  # never shown: the chat acts through it, nobody can present it
        name=f"LINE {chat_type} {chat_id[:12]}",
        role="community",
        regions=[],
        community_id=community_id,
        partner_detail=False,
        created_by=claimed["created_by"],
    )
    row = await repo.insert_link(
        conn,
        chat_id=chat_id,
        chat_type=chat_type,
        community_id=community_id,
        key_id=key["id"],
        code_id=claimed["id"],
        linked_by=user_id,
    )
    link = _link(row)
    await audit.record(
        conn,
        link.caller,
        action="link",
        entity="line_link",
        entity_id=link.id,
        community_id=community_id,
        region=link.region,
        after=msgspec.to_builtins(link_out(row)),
    )
    return "linked", link


# --- drafts -------------------------------------------------------------------------------------


def _drafts_json(drafts: tuple[Draft, ...] | list[Draft]) -> Any:
    return msgspec.to_builtins(list(drafts))


def _drafts(value: Any) -> list[Draft]:
    return msgspec.convert(value, list[Draft])


async def save_draft(conn: asyncpg.Connection, link: Link, message: str, drafts: tuple[Draft, ...]) -> int:
    return await repo.insert_draft(conn, link.id, message[:5000], _drafts_json(drafts))


async def note_unknown_goods(
    conn: asyncpg.Connection, link: Link, drafts: Sequence[Draft], now: datetime
) -> frozenset[str]:
    """The goods of the chat's post the reader did not know (its unknown_item lines: "ปลาช่อน" of
    "มีปลาช่อน 20 กิโล" before anyone added it), counted for the chat's community so that its
    coordinators see them (services.unknown_goods). Returns the words, as typed, that were (the
    answer then says the coordinator will see them)."""
    typed = _unknown_goods(drafts)
    if not typed:
        return frozenset()
    return await unknown_goods.note(conn, link.community_id, typed, "line", now)


def noted_goods(drafts: Sequence[Draft]) -> frozenset[str]:
    """The words of the drafts' unknown goods that `note_unknown_goods` kept when their message
    came (a draft is only saved for a linked chat, in the same transaction): the answer to a later
    tap on the draft says again that the coordinators will see them."""
    return unknown_goods.counted(_unknown_goods(drafts))


def _unknown_goods(drafts: Sequence[Draft]) -> list[str]:
    """The goods' words of the drafts' unknown_item lines, as typed."""
    return [d.item_text for d in drafts if "unknown_item" in d.problems and d.item_text]


class DraftGone(Exception):
    """The draft is not this chat's, or was already confirmed or cancelled."""

    def __init__(self, state: str | None) -> None:
        super().__init__(state or "missing")
        self.state = state


async def pending_draft(conn: asyncpg.Connection, link: Link, draft_id: int) -> list[Draft]:
    row = await repo.get_draft(conn, draft_id, link.id)
    if row is None or row["state"] != "pending":
        raise DraftGone(None if row is None else row["state"])
    return _drafts(row["drafts"])


def _as_of(drafts: Sequence[Draft], today: date) -> list[Draft]:
    """The drafts as they stand `today`: a last day passed since they were read is asked about
    (past_date), on every tap, and saved with them (`_save_drafts`)."""
    return [outdated(d, today) for d in drafts]


async def _save_drafts(conn: asyncpg.Connection, draft_id: int, drafts: list[Draft]) -> list[Draft]:
    await repo.update_draft(conn, draft_id, _drafts_json(drafts))
    return drafts


async def set_kind(
    conn: asyncpg.Connection, link: Link, draft_id: int, kind: Literal["offer", "need"], today: date
) -> list[Draft]:
    drafts = await pending_draft(conn, link, draft_id)
    fixed = [kind_chosen(d, kind) for d in drafts]
    return await _save_drafts(conn, draft_id, _as_of(fixed, today))


async def set_sides(
    conn: asyncpg.Connection,
    link: Link,
    draft_id: int,
    *,
    first_given: bool,
    catalogue: Sequence[CatalogueEntry],
    today: date,
) -> list[Draft]:
    """Which side of a swap not said which way ("อยากแลก A กับ B") the community gives."""
    drafts = await pending_draft(conn, link, draft_id)
    fixed = sides_chosen(drafts, first_given=first_given, catalogue=catalogue)
    return await _save_drafts(conn, draft_id, _as_of(fixed, today))


async def set_item(
    conn: asyncpg.Connection,
    link: Link,
    draft_id: int,
    *,
    line: int,
    item_id: str,
    catalogue: Sequence[CatalogueEntry],
    today: date,
) -> list[Draft]:
    """Which of the goods written one or the other ("ปลาเค็มหรือปลาแห้ง") line `line` is of."""
    drafts = await pending_draft(conn, link, draft_id)
    fixed = item_chosen(drafts, line, item_id, catalogue)
    return await _save_drafts(conn, draft_id, _as_of(fixed, today))


async def cancel_draft(conn: asyncpg.Connection, link: Link, draft_id: int) -> None:
    await pending_draft(conn, link, draft_id)
    await repo.decide_draft(conn, draft_id, "cancelled", None)


class DraftNotReady(Exception):
    """A draft confirmed with a question still to answer (`drafts`, as saved): above all a last
    day that passed since it was read (past_date). Asked about again, not posted."""

    def __init__(self, drafts: list[Draft]) -> None:
        super().__init__(",".join(dict.fromkeys(p for d in drafts for p in d.problems)))
        self.drafts = drafts


class Posted(msgspec.Struct, frozen=True):
    kind: str
    id: int
    item_id: str | None  # None: a need of a whole category
    item_name_th: str  # a need of a whole category: the category's name
    quantity: float
    unit: str
    category_id: str | None = None  # a need of any item of this category


async def confirm_draft(conn: asyncpg.Connection, link: Link, draft_id: int, clock: Clock) -> list[Posted]:
    """Every draft of the message becomes an offer or need of the chat's community, posted and
    audited as that community via LINE, or none does (one savepoint): BarterError says why;
    DraftNotReady when a last day passed since it was read (saved with the draft, which a later
    tap finds so), or a question is left."""
    drafts = await pending_draft(conn, link, draft_id)
    if not drafts:
        raise DraftGone("pending")
    checked = _as_of(drafts, thai_today(clock.now()))
    if checked != drafts:  # read while its day was ahead, confirmed after it passed
        await _save_drafts(conn, draft_id, checked)
    if any(not d.ready for d in checked):
        raise DraftNotReady(checked)
    posted: list[Posted] = []
    async with conn.transaction():  # a savepoint: a refused listing leaves the draft pending
        for draft in drafts:
            posted.append(await _post(conn, link, draft, clock))  # noqa: PERF401 (one after another)
    await repo.decide_draft(conn, draft_id, "confirmed", [{"kind": p.kind, "id": p.id} for p in posted])
    return posted


async def _post(conn: asyncpg.Connection, link: Link, draft: Draft, clock: Clock) -> Posted:
    """One ready draft as an offer or need; a need of a whole category ("ต้องการข้าว 100 กก") as a
    category need, in the unit read (the API's `category_id` with `unit`: its items may come in
    several)."""
    assert draft.quantity is not None
    target: dict[str, Any]
    if draft.item_id is None:
        assert draft.kind == "need"  # an offer names one item (which_item is asked)
        assert draft.category_id is not None
        target = {"category_id": draft.category_id, "unit": draft.unit}
    else:
        target = {"item_id": draft.item_id}
    given = {
        "community_id": link.community_id,
        **target,
        "quantity": draft.quantity,
        "note": "โพสต์ผ่าน LINE (via LINE)",
    }
    out: existing.OfferOut | existing.NeedOut
    if draft.kind == "offer":
        days = {"available_from": _iso(draft.available_from), "available_until": _iso(draft.available_until)}
        out = await existing.create_offer(
            conn, link.caller, _input(existing.OfferCreate, **given, **days), clock
        )
    else:
        by = _iso(draft.needed_by)
        out = await existing.create_need(
            conn, link.caller, _input(existing.NeedCreate, **given, needed_by=by), clock
        )
    return Posted(
        kind=draft.kind or "offer",
        id=out.id,
        item_id=draft.item_id,
        item_name_th=out.item_name_th or draft.item_name_th or "",
        quantity=out.quantity,
        unit=out.unit,
        category_id=None if draft.item_id is not None else draft.category_id,
    )


# --- proposals ----------------------------------------------------------------------------------


async def answer_proposal(
    conn: asyncpg.Connection,
    link: Link,
    proposal_id: int,
    action: existing.Action,
    clock: Clock,
    *,
    reason: str | None = None,
) -> existing.Outcome:
    """Accept, decline or confirm receipt for the chat's community: the same transition the API
    makes (`POST /v1/proposals/{id}/<action>` with this community's key)."""
    return await existing.transition(
        conn, link.caller, proposal_id, action, clock, community_id=link.community_id, reason=reason
    )


# --- SMS opt-out ----------------------------------------------------------------------------------

_STOP_SMS = re.compile(
    r"^\s*(?:ขอ\s*)?(?:(?:หยุด|ยกเลิก|เลิก)(?:การ)?(?:ส่ง|รับ)?|ไม่รับ|ไม่เอา|ไม่ต้องส่ง|stop)\s*(?:sms|เอสเอ็มเอส)"
    + _POLITE,
    re.IGNORECASE,
)


def stops_sms(text: str) -> bool:
    """ "หยุด SMS", "หยุดส่ง SMS ค่ะ", "ยกเลิก sms ครับ", "ไม่เอา sms แล้ว", "STOP SMS": the chat's
    community opts out of SMS."""
    return _STOP_SMS.match(_plain(text)) is not None


async def stop_sms(conn: asyncpg.Connection, link: Link, now: datetime) -> bool:
    """Opt the chat's community out of SMS notices (audited via LINE); False if it was not in."""
    before = await sms_consent.get(conn, link.caller, link.community_id)
    await sms_consent.record(conn, link.caller, link.community_id, SmsConsentIn(consent=False), now)
    return before.opted_in


# --- receipts with the quantity received --------------------------------------------------------


class ReceiptAnswer(msgspec.Struct):
    position: int
    quantity: float
    condition: str | None  # None: less than planned arrived, and the chat was not asked why yet


# How long a receipt question waits for its answer (from the last step answered): a question left
# open for hours would take a number written later about something else for the answer.
RECEIPT_TTL = timedelta(minutes=30)
# How long after its question ran out a member's typed answer is still told that it did (weighing
# 148 kg takes a while), rather than read as anything else.
RECEIPT_LATE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Receipt:
    """Where a receipt told over LINE stands: what is asked next (`asking`: the quantity of
    `transfer`, its condition, or the confirmation of `answers`), and of whom (`asked_by`, the
    LINE user who tapped; None when LINE did not say)."""

    prompt_id: int
    proposal_id: int
    asking: Literal["quantity", "condition", "confirm"]
    transfer: existing.TransferOut | None
    answers: list[tuple[existing.TransferOut, ReceiptAnswer]]
    asked_by: str | None = None
    stale: bool = False  # the exchange moved on (received another way, cancelled): not asked any more


class ReceiptClosed(Exception):
    """A button of a receipt question that is no longer asked: answered or cancelled, or
    `expired` (unanswered for RECEIPT_TTL), or `cancelled`. `proposal_id`: its exchange."""

    def __init__(self, proposal_id: int | None, *, expired: bool, cancelled: bool = False) -> None:
        super().__init__("expired" if expired else "closed")
        self.proposal_id = proposal_id
        self.expired = expired
        self.cancelled = cancelled  # cancelled or replaced by another question, not answered


class ReceiptNotYours(Exception):
    """A button of a receipt question asked of another member of the chat: theirs to answer."""

    def __init__(self, receipt: Receipt) -> None:
        super().__init__(receipt.prompt_id)
        self.receipt = receipt


class ReceiptRefused(Exception):
    """A typed quantity that cannot be what arrived: more than planned, or in another unit."""

    def __init__(self, receipt: Receipt, reason: Literal["too_much", "unit"]) -> None:
        super().__init__(reason)
        self.receipt = receipt
        self.reason = reason


async def _receipt(conn: asyncpg.Connection, link: Link, row: asyncpg.Record) -> Receipt:
    proposal = await existing.get_proposal(conn, link.caller, row["proposal_id"])
    transfers = {t.position: t for t in proposal.transfers}
    answers = msgspec.convert(row["answers"], list[ReceiptAnswer])
    told = [(transfers[a.position], a) for a in answers]
    stale = proposal.status != "in_transit" or any(
        transfers[p].received_at is not None for p in row["positions"]
    )
    who = row["asked_by"]
    if answers and answers[-1].condition is None:
        return Receipt(row["id"], proposal.id, "condition", transfers[answers[-1].position], told, who, stale)
    left = [p for p in row["positions"] if p not in {a.position for a in answers}]
    if left:
        return Receipt(row["id"], proposal.id, "quantity", transfers[left[0]], told, who, stale)
    return Receipt(row["id"], proposal.id, "confirm", None, told, who, stale)


AWAITED_MAX = 12  # exchanges one reply offers to choose from (LINE shows 13 buttons at most)


@dataclass(frozen=True, slots=True)
class Awaited:
    """An exchange on its way to the chat's community: what of it the community has still to say
    it received, and who sends each (`givers`: community id -> Thai name)."""

    proposal_id: int
    transfers: list[existing.TransferOut]
    givers: dict[int, str]


def _awaited(link: Link, proposal: existing.ProposalOut) -> Awaited:
    return Awaited(
        proposal.id,
        [t for t in proposal.transfers if t.receiver_id == link.community_id and t.received_at is None],
        {p.community_id: p.name_th or p.name_en or "?" for p in proposal.participants},
    )


async def awaited_receipts(conn: asyncpg.Connection, link: Link) -> list[Awaited]:
    """The exchanges on their way to the chat's community whose receipt it has not told yet,
    oldest first (the AWAITED_MAX newest of them)."""
    rows = await proposals_repo.list_page(
        conn,
        link.caller,
        run_id=None,
        status="in_transit",
        region=None,
        community_id=link.community_id,
        before_id=None,
        limit=AWAITED_MAX,
    )
    page = await existing.load_proposals(conn, rows)
    return [a for a in (_awaited(link, p) for p in reversed(page)) if a.transfers]


async def _receiving(conn: asyncpg.Connection, link: Link, proposal_id: int) -> existing.ProposalOut:
    """The exchange, if the chat's community receives goods in it: only a receiver's chat tells a
    receipt (one that only gives is told so; one with no part in it finds no such proposal)."""
    proposal = await existing.get_proposal(conn, link.caller, proposal_id)
    if all(t.receiver_id != link.community_id for t in proposal.transfers):
        raise Conflict(
            "This community receives nothing in this exchange",
            code="not_a_receiver",
            detail_th="ชุมชนนี้ไม่ได้รับของในข้อเสนอนี้ จึงบันทึกการได้รับของไม่ได้",
        )
    return proposal


async def awaited_receipt(conn: asyncpg.Connection, link: Link, proposal_id: int) -> Awaited:
    """What of this exchange the chat's community has still to say it received; refused when the
    community receives nothing in it (only a receiver records a receipt), before dispatch, once
    the exchange ended, or when its receipt is already recorded."""
    proposal = await _receiving(conn, link, proposal_id)
    awaited = _awaited(link, proposal)
    require_applies("complete", proposal.status)  # in transit: not before dispatch, not once ended
    if not awaited.transfers:
        raise Conflict(
            "This community's receipt is already recorded",
            code="already_received",
            detail_th="บันทึกการได้รับของของชุมชนนี้ไว้แล้ว",
        )
    return awaited


class ReceiptInProgress(Exception):
    """Another member of the chat is telling this exchange's receipt right now: theirs is kept."""


async def start_receipt(
    conn: asyncpg.Connection, link: Link, proposal_id: int, now: datetime, asked_by: str | None
) -> Receipt:
    """The chat said less than planned arrived: ask the member who said so (`asked_by`, the LINE
    user), transfer by transfer, how much did. ReceiptInProgress while another member is being
    asked about the same exchange (starting over would silently drop what they told)."""
    await _not_being_told(conn, link, proposal_id, now, asked_by)
    waiting = [t.position for t in (await awaited_receipt(conn, link, proposal_id)).transfers]
    row = await repo.start_receipt_prompt(conn, link.id, proposal_id, waiting, asked_by, now)
    return await _receipt(conn, link, row)


async def _not_being_told(
    conn: asyncpg.Connection, link: Link, proposal_id: int, now: datetime, user_id: str | None
) -> None:
    """ReceiptInProgress while a member other than `user_id` is being asked about this exchange's
    receipt (what they told would be dropped or overridden)."""
    open_now = await receipt_asking(conn, link, now)
    if open_now is not None and open_now.proposal_id == proposal_id and not _asked_of(open_now, user_id):
        raise ReceiptInProgress(proposal_id)


async def receive_all(
    conn: asyncpg.Connection, link: Link, proposal_id: int, clock: Clock, user_id: str | None
) -> existing.Outcome:
    """Everything of the exchange arrived as planned (ยืนยัน ได้รับครบ, tapped by `user_id`): the
    transition answer_proposal makes with "complete"; ReceiptInProgress while another member is
    telling a receipt of it (their partial receipt is not overridden)."""
    await _receiving(conn, link, proposal_id)
    await _not_being_told(conn, link, proposal_id, clock.now(), user_id)
    return await answer_proposal(conn, link, proposal_id, "complete", clock)


async def receipt_asking(
    conn: asyncpg.Connection, link: Link, now: datetime, prompt_id: int | None = None
) -> Receipt | None:
    """The receipt the chat is being asked about now (or this one), if any. A question left
    unanswered for RECEIPT_TTL ends as expired; one the exchange has overtaken (its receipt
    recorded another way, or the exchange ended) is dropped."""
    row = await repo.active_receipt_prompt(conn, link.id, prompt_id)
    if row is None:
        return None
    if row["updated_at"] + RECEIPT_TTL <= now:  # kept as of when it ran out, not when that was noticed
        await repo.update_receipt_prompt(
            conn, row["id"], row["answers"], "expired", row["updated_at"] + RECEIPT_TTL
        )
        return None
    receipt = await _receipt(conn, link, row)
    if receipt.stale:
        await repo.update_receipt_prompt(conn, receipt.prompt_id, row["answers"], "cancelled", now)
        return None
    return receipt


async def receipt_asked_of(
    conn: asyncpg.Connection, link: Link, user_id: str | None, now: datetime
) -> Receipt | None:
    """The receipt question a typed message may answer: the chat's current one, if the member
    who wrote (`user_id`) is the one it was asked of."""
    receipt = await receipt_asking(conn, link, now)
    return receipt if receipt is not None and _asked_of(receipt, user_id) else None


def _asked_of(receipt: Receipt, user_id: str | None) -> bool:
    """The member (LINE user) is the one the receipt question was asked of: only they answer it,
    typed or by its buttons."""
    return receipt.asked_by == user_id


async def receipt_expired_of(
    conn: asyncpg.Connection, link: Link, user_id: str | None, now: datetime
) -> int | None:
    """The exchange of the member's own receipt question that ran out within RECEIPT_LATE and is
    still on its way (an answer typed late is told so, and how to start again)."""
    if user_id is None:
        return None
    row = await repo.expired_receipt_prompt(conn, link.id, user_id, now - RECEIPT_LATE)
    if row is None:
        return None
    awaited = {a.proposal_id for a in await awaited_receipts(conn, link)}
    return int(row["proposal_id"]) if row["proposal_id"] in awaited else None


async def receipt_tapped(
    conn: asyncpg.Connection, link: Link, prompt_id: int, now: datetime, user_id: str | None
) -> Receipt:
    """The receipt question a button belongs to, tapped by `user_id`; ReceiptClosed when it is no
    longer asked, ReceiptNotYours when it was asked of another member (nothing changes)."""
    receipt = await receipt_asking(conn, link, now, prompt_id)
    if receipt is None:
        closed = await repo.closed_receipt_prompt(conn, link.id, prompt_id)
        raise ReceiptClosed(
            None if closed is None else closed["proposal_id"],
            expired=closed is not None and closed["state"] == "expired",
            cancelled=closed is not None and closed["state"] == "cancelled",
        )
    if not _asked_of(receipt, user_id):
        raise ReceiptNotYours(receipt)
    return receipt


async def _save(
    conn: asyncpg.Connection, link: Link, receipt: Receipt, answers: list[ReceiptAnswer], now: datetime
) -> Receipt:
    await repo.update_receipt_prompt(conn, receipt.prompt_id, msgspec.to_builtins(answers), "asking", now)
    row = await repo.active_receipt_prompt(conn, link.id, receipt.prompt_id)
    assert row is not None
    return await _receipt(conn, link, row)


async def receipt_quantity(
    conn: asyncpg.Connection, link: Link, receipt: Receipt, reading: QuantityReading | None, now: datetime
) -> Receipt:
    """The quantity of the transfer asked about (None: all of it); a reading of what was lost
    ("เสียไป 10 กิโล") leaves the rest of what was sent. Raises ReceiptRefused."""
    transfer = receipt.transfer
    assert transfer is not None
    assert receipt.asking == "quantity"
    if reading is None:
        answer = ReceiptAnswer(transfer.position, transfer.quantity, "good")
    else:
        own_word = reading.counted_in is not None and reading.counted_in == thai_unit_for(
            transfer.unit, transfer.item_id
        )  # "20 ตัว" of goods counted ตัว (an added ไก่ย่าง): their own unit
        if (reading.unit is not None and reading.unit != transfer.unit) or (
            reading.counted_in is not None and not own_word
        ):  # "2 กระสอบ" of rice: how many kilos is asked again
            raise ReceiptRefused(receipt, "unit")
        if reading.quantity > transfer.quantity + TOLERANCE:
            raise ReceiptRefused(receipt, "too_much")
        arrived = max(transfer.quantity - reading.quantity, 0.0) if reading.lost else reading.quantity
        full = arrived >= transfer.quantity - TOLERANCE
        answer = ReceiptAnswer(
            transfer.position,
            transfer.quantity if full else arrived,
            "good" if full else reading.condition,
        )
    return await _save(conn, link, receipt, [a for _, a in receipt.answers] + [answer], now)


async def receipt_condition(
    conn: asyncpg.Connection,
    link: Link,
    receipt: Receipt,
    condition: Literal["short", "spoiled"],
    now: datetime,
) -> Receipt:
    answers = [a for _, a in receipt.answers]
    if receipt.asking != "condition":
        return receipt
    answers[-1] = msgspec.structs.replace(answers[-1], condition=condition)
    return await _save(conn, link, receipt, answers, now)


async def restart_receipt(conn: asyncpg.Connection, link: Link, receipt: Receipt, now: datetime) -> Receipt:
    return await _save(conn, link, receipt, [], now)


async def cancel_receipt(conn: asyncpg.Connection, link: Link, receipt: Receipt, now: datetime) -> None:
    await repo.update_receipt_prompt(
        conn, receipt.prompt_id, msgspec.to_builtins([a for _, a in receipt.answers]), "cancelled", now
    )


async def confirm_receipt(
    conn: asyncpg.Connection, link: Link, receipt: Receipt, clock: Clock
) -> existing.Outcome:
    """What the chat told becomes the community's receipt through the same transition the API's
    `POST /v1/proposals/{id}/complete` makes with `receipts` (a shortfall opens a dispute when the
    exchange completes). BarterError (ValidationFailed...) when the plan moved meanwhile."""
    if receipt.asking != "confirm":
        raise ValidationFailed(
            [], "The receipt is not complete yet", detail_th="ยังตอบคำถามเรื่องการได้รับของไม่ครบ"
        )
    outcome = await existing.transition(
        conn,
        link.caller,
        receipt.proposal_id,
        "complete",
        clock,
        community_id=link.community_id,
        receipts=[
            Stated(a.position, a.quantity, a.condition, "บันทึกผ่าน LINE (via LINE)") for _, a in receipt.answers
        ],
    )
    await repo.update_receipt_prompt(
        conn, receipt.prompt_id, msgspec.to_builtins([a for _, a in receipt.answers]), "done", clock.now()
    )
    return outcome


def _input(into: type[_Input], **values: Any) -> _Input:
    """The listing's input from what the chat wrote, held to the bounds the API holds a body to
    (msgspec checks them only when it decodes): "มีข้าวสาร 5000000000 กิโล" is refused, not posted."""
    errors = checked(values, into)
    if errors:
        raise ValidationFailed(errors)
    return into(**values)


def _iso(day: date | None) -> str | None:
    """A date read from a message, as the listing's input takes it (ISO, Gregorian)."""
    return None if day is None else day.isoformat()
