"""Proposed exchanges: the state machine, who may move it, and what each community is told.

architecture.md, "Proposal states": a proposal is approved once every participant community has
accepted (itself, or its coordinator for it) and a coordinator of every region involved has
approved, in any order; one decline or rejection ends it. Holds expire while it is only proposed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from barter.domain.access import Caller, require_writer
from barter.domain.errors import Conflict, Forbidden, NotFound
from barter.domain.numbers import figure
from barter.domain.refusals import Words
from barter.domain.units import english_unit, thai_unit_for

Status = Literal["proposed", "approved", "in_transit", "completed", "rejected", "expired", "cancelled"]
Action = Literal["accept", "decline", "approve", "reject", "dispatch", "complete", "cancel", "expire"]
LIVE: frozenset[str] = frozenset({"proposed", "approved", "in_transit"})
ENDED: frozenset[str] = frozenset({"completed", "rejected", "expired", "cancelled"})

# What each state is called, in Thai and in English: the console's badges and the LINE bot's
# "สถานะตอนนี้" both say these. `rejected` ends both a community's decline and a coordinator's
# rejection, so it names neither.
STATUS_WORDS: dict[str, Words] = {
    "proposed": Words("รอทุกฝ่ายตอบรับ", "proposed"),
    "approved": Words("อนุมัติแล้ว", "approved"),
    "in_transit": Words("กำลังขนส่ง", "on the way"),
    "completed": Words("เสร็จสิ้น", "completed"),
    "rejected": Words("ยกเลิก/ปฏิเสธ", "rejected"),
    "expired": Words("หมดเวลา", "expired"),
    "cancelled": Words("ยกเลิก", "cancelled"),
}

# From which states each action applies.
APPLIES: dict[Action, frozenset[str]] = {
    "accept": frozenset({"proposed"}),
    "decline": frozenset({"proposed"}),
    "approve": frozenset({"proposed"}),
    "reject": frozenset({"proposed"}),
    "dispatch": frozenset({"approved"}),
    # Receipt follows dispatch (architecture.md: approved -> in_transit -> completed): goods not yet
    # sent cannot have arrived, and a receipt recorded early would leave the exchange approved.
    "complete": frozenset({"in_transit"}),
    "cancel": frozenset({"approved"}),
    "expire": frozenset({"proposed"}),
}


class TransitionConflict(Conflict):
    """The action does not apply in the proposal's current state; the answer names that state."""

    code = "invalid_state"

    def __init__(self, action: str, status: str) -> None:
        super().__init__(
            f"Cannot {action} a proposal that is {status}",
            code="invalid_state",
            extra={"state": status},
        )


class NotDispatched(TransitionConflict):
    """A receipt asked for before the goods were sent: it applies once the exchange is in transit."""

    code = "not_dispatched"

    def __init__(self, status: str) -> None:
        Conflict.__init__(
            self,
            "The goods have not been dispatched yet: confirm receipt once they are on their way",
            code="not_dispatched",
            extra={"state": status},
            detail_th="ยังไม่ได้ส่งของออก จึงยังยืนยันการรับของไม่ได้ ยืนยันได้เมื่อส่งของออกแล้ว",
        )


def require_applies(action: Action, status: str) -> None:
    if status not in APPLIES[action]:
        if action == "complete" and status == "approved":
            raise NotDispatched(status)
        raise TransitionConflict(action, status)


def approved_when(
    participants: Iterable[int], accepted: Iterable[int], regions: Iterable[str], approved: Iterable[str]
) -> bool:
    """Every participant accepted and every involved region approved."""
    return set(participants) <= set(accepted) and set(regions) <= set(approved)


# --- the state machine ---------------------------------------------------------------------------
# The service loads a ProposalState once, under the proposal's row lock, asks `decide` what the
# request does, applies the Decision in the same transaction, and builds the answer once.


@dataclass(frozen=True, slots=True)
class ProposalState:
    """What deciding a transition needs to know of a proposal, and nothing else."""

    status: Status
    regions: tuple[str, ...]
    members: dict[int, str]  # participant community -> its region
    accepted: frozenset[int]
    approved: frozenset[str]
    givers: frozenset[int]
    receivers: frozenset[int]
    received: frozenset[int]
    reason: str | None = None
    hold_expired: bool = False  # proposed, and its hold ran out before the expiry job came by


@dataclass(frozen=True, slots=True)
class Request:
    """One caller's action on a proposal; `community_id` picks which community it answers for."""

    action: Action
    community_id: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What a request does. `retry`: nothing changes (the same request was already applied).
    Otherwise the service writes `accept`/`approve`/`receive`, moves to `status` (the same status
    for a step that does not finish the state), releases holds or delivers and books the ledger,
    emits `event`, and audits `audit` (as the system when `system`). `conflict`: the transaction
    still commits (an expiry noticed on the way) but the request itself loses with this 409."""

    status: Status
    retry: bool = False
    accept: tuple[int, ...] = ()
    approve: tuple[str, ...] = ()
    receive: tuple[int, ...] = ()
    release: bool = False
    deliver: bool = False
    event: (
        Literal[
            "proposal.approved",
            "proposal.rejected",
            "proposal.completed",
            "proposal.dispatched",
            "proposal.expired",
            "proposal.cancelled",
        ]
        | None
    ) = None
    audit: str = ""
    community_id: int | None = None
    reason: str | None = None
    system: bool = False
    shipments_follow: bool = False
    conflict: TransitionConflict | None = None
    # a decline (community_id) or a rejection (these regions): who ended it; the exchange's arcs
    # that involve them cool down, and a repair run re-solves at once for the others
    regions: tuple[str, ...] = ()
    repair: bool = False


def acting(caller: Caller, state: ProposalState, community_id: int | None, who: Iterable[int]) -> list[int]:
    """The communities among `who` that the caller answers for (one, when `community_id` is given)."""
    require_writer(caller)
    mine = [c for c in who if caller.acts_for(c, state.members[c])]
    if community_id is not None:
        if community_id not in mine:
            raise NotFound(
                "You do not act for that community in this proposal",
                detail_th="ชุมชนที่คุณดูแลไม่ได้อยู่ในข้อเสนอนี้",
            )
        return [community_id]
    if not mine:
        raise Forbidden(
            "You act for no community that has a part in this",
            detail_th="คุณไม่ได้ดูแลชุมชนใดในข้อเสนอนี้",
        )
    return mine


def covered(caller: Caller, state: ProposalState) -> list[str]:
    """The proposal's regions this caller decides for as a coordinator (all of them for an admin)."""
    require_writer(caller)
    regions = [r for r in state.regions if caller.covers_region(r)]
    if not regions:
        raise Forbidden(
            "Only a coordinator of a region involved (or an admin) can do this",
            detail_th="ต้องเป็นผู้ประสานงานของภาคที่เกี่ยวข้อง หรือผู้ดูแลระบบ",
        )
    return regions


def _retry(state: ProposalState, *, shipments_follow: bool = False) -> Decision:
    return Decision(status=state.status, retry=True, shipments_follow=shipments_follow)


def _accept(state: ProposalState, caller: Caller, request: Request) -> Decision:
    communities = acting(caller, state, request.community_id, sorted(state.members))
    if set(communities) <= state.accepted:
        return _retry(state)  # already accepted: a retry changes nothing, whatever happened since
    require_applies("accept", state.status)
    done = approved_when(state.members, state.accepted | set(communities), state.regions, state.approved)
    return Decision(
        status="approved" if done else state.status,
        accept=tuple(c for c in communities if c not in state.accepted),
        event="proposal.approved" if done else None,
        audit="accept",
        community_id=communities[0],
    )


def _decline(state: ProposalState, caller: Caller, request: Request) -> Decision:
    communities = acting(caller, state, request.community_id, sorted(state.members))
    if state.status == "rejected" and state.reason == request.reason:
        return _retry(state)
    require_applies("decline", state.status)
    return _ended(state, "rejected", "decline", request, community_id=communities[0])


def _approve(state: ProposalState, caller: Caller, request: Request) -> Decision:
    regions = covered(caller, state)
    if set(regions) <= state.approved:
        return _retry(state)
    require_applies("approve", state.status)
    done = approved_when(state.members, state.accepted, state.regions, state.approved | set(regions))
    return Decision(
        status="approved" if done else state.status,
        approve=tuple(r for r in regions if r not in state.approved),
        event="proposal.approved" if done else None,
        audit="approve",
    )


def _reject(state: ProposalState, caller: Caller, request: Request) -> Decision:
    regions = covered(caller, state)
    if state.status == "rejected" and state.reason == request.reason:
        return _retry(state)  # a retry of the same rejection
    require_applies("reject", state.status)
    return replace(_ended(state, "rejected", "reject", request), regions=tuple(regions))


def _dispatch(state: ProposalState, caller: Caller, request: Request) -> Decision:
    if not caller.is_admin and caller.role != "coordinator":
        acting(caller, state, None, sorted(state.givers))
    else:
        covered(caller, state)
    if state.status == "in_transit":
        return _retry(state, shipments_follow=True)
    require_applies("dispatch", state.status)
    return Decision(status="in_transit", event="proposal.dispatched", audit="dispatch", shipments_follow=True)


def _complete(state: ProposalState, caller: Caller, request: Request) -> Decision:
    communities = acting(caller, state, request.community_id, sorted(state.receivers))
    if set(communities) <= state.received:
        return _retry(state, shipments_follow=True)  # receipt already confirmed
    require_applies("complete", state.status)
    done = state.receivers <= state.received | set(communities)
    return Decision(
        status="completed" if done else state.status,
        receive=tuple(communities),
        deliver=done,
        event="proposal.completed" if done else None,
        audit="complete",
        community_id=communities[0],
        shipments_follow=True,
    )


def _cancel(state: ProposalState, caller: Caller, request: Request) -> Decision:
    covered(caller, state)
    if state.status == "cancelled":
        return _retry(state)
    require_applies("cancel", state.status)
    return replace(_ended(state, "cancelled", "cancel", request), shipments_follow=True)


def _expire(state: ProposalState, caller: Caller, request: Request) -> Decision:
    raise TransitionConflict("expire", state.status)  # only the system expires a hold


def _ended(
    state: ProposalState, status: Status, audit: str, request: Request, *, community_id: int | None = None
) -> Decision:
    return Decision(
        status=status,
        release=True,
        event="proposal.rejected"
        if status == "rejected"
        else "proposal.cancelled"
        if status == "cancelled"
        else None,
        audit=audit,
        community_id=community_id,
        reason=request.reason,
        repair=status == "rejected",
    )


Handler = Callable[[ProposalState, Caller, Request], Decision]
HANDLERS: dict[Action, Handler] = {
    "accept": _accept,
    "decline": _decline,
    "approve": _approve,
    "reject": _reject,
    "dispatch": _dispatch,
    "complete": _complete,
    "cancel": _cancel,
    "expire": _expire,
}
HOLD_EXPIRED = "the hold expired"


def expiry(state: ProposalState) -> Decision:
    """The system's expiry of a proposal whose hold ran out."""
    require_applies("expire", state.status)
    return Decision(
        status="expired",
        release=True,
        event="proposal.expired",
        audit="expire",
        reason=HOLD_EXPIRED,
        system=True,
    )


def decide(state: ProposalState, caller: Caller, request: Request) -> Decision:
    """What `request` by `caller` does to a proposal in `state`, or the error it answers with
    (Forbidden, NotFound for a community the caller does not act for, TransitionConflict)."""
    if state.hold_expired and state.status == "proposed" and request.action not in ("decline", "reject"):
        # The hold ran out before the expiry job came by: it expires now, and the request loses.
        return replace(expiry(state), conflict=TransitionConflict(request.action, "expired"))
    return HANDLERS[request.action](state, caller, request)


# --- repair after a decline ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arc:
    """One transfer of an exchange as matching sees it: an offer to a need, giver to receiver."""

    offer: int
    need: int
    giver: int
    receiver: int


def declined_arcs(
    arcs: Iterable[Arc], members: dict[int, str], community: int | None, regions: Iterable[str]
) -> list[tuple[int, int]]:
    """The (offer, need) pairs of a declined exchange that involve who declined: those where the
    declining community gives or receives, or, for a rejection, where the giver or the receiver is
    in a rejecting region. The other arcs stay free: the others may still trade on them."""
    rejecting = set(regions)

    def involved(c: int) -> bool:
        return c == community or members.get(c) in rejecting

    return sorted({(a.offer, a.need) for a in arcs if involved(a.giver) or involved(a.receiver)})


# --- explanations --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnTerm:
    """A community's own terms on one side of a transfer: its own value of one unit (baht), and,
    for an offer set as a ratio, at least `ratio` units of another item per unit given."""

    unit_value: float
    ratio: float | None = None
    ratio_item_th: str = ""
    ratio_item_en: str = ""
    ratio_unit: str = ""
    ratio_item_id: str | None = None  # the other item, for its Thai counting word (ไข่ไก่ 30 ฟอง)


@dataclass(frozen=True, slots=True)
class Leg:
    """One transfer as the people in it would describe it: what, how much, its reference value,
    the need it fills, the road distance and transport estimates (baht): `transport` if the load
    went alone by the cheapest suitable vehicle, `shared` at the run's cost per kg-km (shared
    trucks, the figure the matching weighed); and the own terms the giver (its offer) and the
    receiver (its need) balanced it by, if they set any."""

    giver: int
    receiver: int
    quantity: float
    unit: str
    item_th: str
    item_en: str
    value: float = 0.0
    need_id: int | None = None
    distance_km: float = 0.0
    transport: float = 0.0
    shared: float = 0.0
    giver_term: OwnTerm | None = None
    receiver_term: OwnTerm | None = None
    item_id: str | None = None  # for the Thai counting word the item is said in (ไข่ไก่ 300 ฟอง)

    @property
    def giver_value(self) -> float:
        """What the leg is worth to its giver: by its own terms, else the reference value."""
        return self.value if self.giver_term is None else self.quantity * self.giver_term.unit_value

    @property
    def receiver_value(self) -> float:
        """What the leg is worth to its receiver: by its own terms, else the reference value."""
        return self.value if self.receiver_term is None else self.quantity * self.receiver_term.unit_value


def _baht(value: float) -> str:
    return f"{value:,.0f}"


def _in_sentence(name_en: str) -> str:
    """Goods' English name inside a sentence: its first letter lower case, what it names as written
    (jasmine rice (Hom Mali), not jasmine rice (hom mali)), an abbreviation whole (UHT milk)."""
    if name_en[1:2].isupper():
        return name_en
    return name_en[:1].lower() + name_en[1:]


def _what_en(leg: Leg) -> str:
    return f"{figure(leg.quantity)} {english_unit(leg.unit, leg.quantity)} of {_in_sentence(leg.item_en)}"


def _what_th(leg: Leg) -> str:
    return f"{leg.item_th} {figure(leg.quantity)} {thai_unit_for(leg.unit, leg.item_id)}"


def explain(
    community: int, legs: Sequence[Leg], names: dict[int, tuple[str, str]], kind: str
) -> tuple[str, str]:
    """(Thai, English) for one community: what it gives and receives with their reference values,
    the balance, which of its needs it fills, the distance and a transport estimate; in a chain,
    that it starts with the community's donation (or ends with one received).

    `names` maps community ids to (Thai name, English name), either falling back to the other.
    """
    gives = [leg for leg in legs if leg.giver == community]
    gets = [leg for leg in legs if leg.receiver == community]
    en: list[str] = []
    th: list[str] = []
    give_en = " and ".join(
        f"{_what_en(g)} (worth about {_baht(g.value)} baht) to {names[g.receiver][1]}" for g in gives
    )
    give_th = " และ".join(
        f"{_what_th(g)} (มูลค่าประมาณ {_baht(g.value)} บาท) แก่{names[g.receiver][0]}" for g in gives
    )
    get_en = " and ".join(f"{_what_en(g)} ({_baht(g.value)} baht) from {names[g.giver][1]}" for g in gets)
    get_th = " และ".join(f"{_what_th(g)} ({_baht(g.value)} บาท) จาก{names[g.giver][0]}" for g in gets)
    if gives and gets:
        en.append(f"You give {give_en} and receive {get_en}.")
        th.append(f"คุณให้{give_th} และได้รับ{get_th}")
        given, received = sum(g.value for g in gives), sum(g.value for g in gets)
        terms = _own_terms(gives, gets)
        if terms:
            # the exchange was balanced by the community's own terms: say them, and the balance
            given, received = sum(g.giver_value for g in gives), sum(g.receiver_value for g in gets)
            en.append(
                f"By your own terms ({'; '.join(en_term for _, en_term in terms)}) you give about "
                f"{_baht(given)} baht and receive about {_baht(received)} baht."
            )
            th.append(
                f"ตามเงื่อนไขของคุณเอง ({'; '.join(th_term for th_term, _ in terms)}) "
                f"คุณให้ประมาณ {_baht(given)} บาท และได้รับประมาณ {_baht(received)} บาท"
            )
        difference = received - given
        if abs(difference) < 0.5:
            en.append("The values balance.")
            th.append("มูลค่าที่ให้และที่ได้รับเท่ากัน")
        elif difference > 0:
            en.append(f"You receive about {_baht(difference)} baht more than you give.")
            th.append(f"คุณได้รับมากกว่าที่ให้ประมาณ {_baht(difference)} บาท")
        else:
            en.append(f"You give about {_baht(-difference)} baht more than you receive.")
            th.append(f"คุณให้มากกว่าที่ได้รับประมาณ {_baht(-difference)} บาท")
    elif gives:
        if kind == "chain":
            en.append(
                f"This exchange starts with your donation: you give {give_en}, and nothing is asked back."
            )
            th.append(f"การแลกเปลี่ยนนี้เริ่มต้นจากการบริจาคของคุณ: คุณให้{give_th} โดยไม่ต้องรับสิ่งใดตอบแทน")
        else:
            en.append(f"You give {give_en}.")
            th.append(f"คุณให้{give_th}")
    elif gets:
        en.append(f"You receive {get_en}.")
        th.append(f"คุณได้รับ{get_th}")
        if kind == "chain":
            en.append("It comes from a chain started by a donation: nothing is asked back.")
            th.append("มาจากห่วงโซ่ที่เริ่มต้นด้วยการบริจาค ไม่ต้องให้สิ่งใดตอบแทน")
    for g in gets:  # which need by its goods: its number is in no village's hands
        if g.need_id is not None:
            en.append(f"It fills your need for {_in_sentence(g.item_en)}.")
            th.append(f"ตรงกับความต้องการ{g.item_th}ของคุณ")
    if gives:
        sentence_th, sentence_en = _transport_sentences(gives, given=True)
        th.append(sentence_th)
        en.append(sentence_en)
    if gets:
        sentence_th, sentence_en = _transport_sentences(gets, given=False)
        th.append(sentence_th)
        en.append(sentence_en)
    return " ".join(th), " ".join(en)


def _own_terms(gives: Sequence[Leg], gets: Sequence[Leg]) -> list[tuple[str, str]]:
    """(Thai, English) for each own term the community set on these legs, once each."""
    out: list[tuple[str, str]] = []
    for leg, term in [(g, g.giver_term) for g in gives] + [(g, g.receiver_term) for g in gets]:
        if term is None:
            continue
        unit_th, unit_en = thai_unit_for(leg.unit, leg.item_id), english_unit(leg.unit, 1)
        if term.ratio is not None:
            ratio_th = thai_unit_for(term.ratio_unit, term.ratio_item_id)
            text = (
                f"{leg.item_th} 1 {unit_th} ต่อ{term.ratio_item_th}อย่างน้อย {figure(term.ratio)} {ratio_th}",
                f"at least {figure(term.ratio)} {english_unit(term.ratio_unit, term.ratio)} "
                f"of {_in_sentence(term.ratio_item_en)} "
                f"for each {unit_en} of {_in_sentence(leg.item_en)}",
            )
        else:
            text = (
                f"{leg.item_th} {unit_th}ละ {figure(term.unit_value)} บาท",
                f"{_in_sentence(leg.item_en)} at {figure(term.unit_value)} baht a {unit_en}",
            )
        if text not in out:
            out.append(text)
    return out


def _transport_sentences(legs: Sequence[Leg], *, given: bool) -> tuple[str, str]:
    """(Thai, English): how far the goods a community gives (or receives) travel by road, and
    what their transport is estimated to cost, on shared trucks at the run's rate and alone."""
    km = figure(round(sum(leg.distance_km for leg in legs)))
    shared = sum(leg.shared for leg in legs)
    alone = _baht(sum(leg.transport for leg in legs))
    if given:
        en = f"Your goods travel about {km} km by road"
        th = f"สินค้าที่คุณให้เดินทางประมาณ {km} กม. ทางถนน"
    else:
        en = f"What you receive travels about {km} km by road to you"
        th = f"สินค้าที่คุณได้รับเดินทางมาประมาณ {km} กม. ทางถนน"
    if shared >= 0.5:
        en += (
            f"; transport is estimated at about {_baht(shared)} baht on shared trucks "
            f"({alone} baht if the load went alone by the cheapest suitable vehicle)."
        )
        th += (
            f" ค่าขนส่งประมาณ {_baht(shared)} บาท เมื่อรวมส่งกับสินค้าอื่นในรถบรรทุก "
            f"(ประมาณ {alone} บาท หากส่งแยกคันด้วยรถที่ถูกที่สุด)"
        )
    else:
        en += f"; transport about {alone} baht if the load goes alone by the cheapest suitable vehicle."
        th += f" ค่าขนส่งประมาณ {alone} บาท หากส่งแยกคันด้วยรถที่ถูกที่สุด"
    return th, en


def display_names(name_th: str | None, name_en: str | None) -> tuple[str, str]:
    th = name_th or name_en or "?"
    en = name_en or name_th or "?"
    return th, en
