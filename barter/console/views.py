"""The console's pages, in the order of a coordinator's day: Today, Communities, Matching,
Proposals, Logistics. Every page calls the use cases through barter/console/uses.py only.

The LINE link-code screen of a community is barter/console/line.py's controller, listed in
HANDLERS below and reached from the community's page.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, route
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import Cookie, State
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.types import ControllerRouterHandler
from markupsafe import Markup, escape

from barter.console import errors as console_errors
from barter.console import i18n, maps, uses
from barter.console.i18n import _
from barter.console.line import LineCodes
from barter.console.session import (
    Conn,
    Viewer,
    ViewerDep,
    sign_in,
    sign_out,
    take_flash,
    with_cookie,
    with_flash,
)
from barter.domain import thaidate
from barter.domain.errors import BarterError, Conflict, FieldError, NotFound, StaleVersion, ValidationFailed
from barter.domain.model import REGIONS
from barter.domain.proposals import Action, TransitionConflict
from barter.reference import Subdistrict, load_subdistricts, subdistricts_by_code
from barter.schemas.base import checked, converted

KINDS = ("fishing", "farming", "urban", "mixed", "other")
ACTIONS: tuple[Action, ...] = ("accept", "decline", "approve", "reject", "dispatch", "complete", "cancel")
Form = dict[str, list[str]]
_RUN_LISTS = 100  # a run's page lists at most this many of its exchanges, and says so when it cuts
_PAGE = 30  # exchanges on a page of the list: 95 cards made one page of 36,000 px on a phone
FIRST_YEAR = 1900  # a date typed before this (or on or after a Buddhist-era-looking year) is a slip


def page(name: str, viewer: Viewer | None, nav: str, status_code: int = 200, **context: Any) -> Template:
    return Template(
        template_name=name, context={"viewer": viewer, "nav": nav, **context}, status_code=status_code
    )


def coordinators_only(viewer: Viewer, nav: str, words: Callable[[], str]) -> Template:
    """The 403 page of a section that only coordinators and admins use: `words()`, to a Thai
    reader with the English beside."""
    said = console_errors.bilingual("", words)
    return page(
        "error.html", viewer, nav, status_code=403, status=403, message=said.text, english=said.english
    )


def to(path: str) -> Redirect:
    """After a form is handled: back to a page (303, so a reload does not resend the form)."""
    return Redirect(path=f"/console{path}", status_code=303)


async def flashed_once(
    request: Request[Any, Any, Any],
    state: State,
    path: str,
    shown: Callable[[str | None], Awaitable[Template]],
) -> Template:
    """The page at `path` `shown` with what a form's answer flashed to it (None when nothing was),
    the flash cleared by this answer, so that a reload says it no more (session.with_flash)."""
    flashed, clear = take_flash(request, state, path)
    answer = await shown(flashed)
    if clear is not None:
        answer.set_cookie(clear)
    return answer


async def read_form(request: Request[Any, Any, Any]) -> Form:
    form = await request.form()
    return {k: [str(v) for v in form.getall(k)] for k in form}


def one(form: Form, name: str) -> str | None:
    values = form.get(name)
    value = values[0].strip() if values else ""
    return value or None


def number(form: Form, name: str, errors: list[FieldError]) -> float | None:
    text = one(form, name)
    if text is None:
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        errors.append(FieldError(name, "must be a number", code="not_a_number"))
        return None


def urgency(form: Form, errors: list[FieldError]) -> int | float | None:
    """A need's urgency (the form's select: 1 to 5, 3 when none is chosen); anything else goes on to
    the listing's own checks, which refuse it with the field's code."""
    value = number(form, "priority", errors) if one(form, "priority") is not None else 3
    return int(value) if value is not None and float(value).is_integer() else value


def day(form: Form, name: str, errors: list[FieldError]) -> str | None:
    """A date typed in the form (d/m/yyyy, either era), as the listing's input takes it: ISO,
    Gregorian."""
    text = one(form, name)
    if text is None:
        return None
    try:
        parsed = i18n.parse_thai_date(text)
    except ValueError:
        errors.append(FieldError(name, "not a date", code="bad_date"))
        return None
    if parsed is not None and (parsed.year < FIRST_YEAR or thaidate.too_late(parsed)):
        errors.append(FieldError(name, "year out of range", code="far_date"))
        return None
    return None if parsed is None else parsed.isoformat()


def convert(values: dict[str, Any], into: type[Any], errors: list[FieldError]) -> Any:
    """Form values into the use case's input struct; every problem is collected."""
    errors = errors + [e for e in checked(values, into) if e.path not in {x.path for x in errors}]
    if errors:
        raise ValidationFailed(errors)
    return converted({k: v for k, v in values.items() if v is not None}, into)


# --- signing in ---------------------------------------------------------------------------------


class SignIn(Controller):
    @get("/signin")
    async def form(self, next: FromQuery[str | None] = None) -> Template:
        return page("signin.html", None, "", next=next or "", error=())

    @post("/signin")
    async def submit(self, request: Request[Any, Any, Any], state: State, conn: Conn) -> Response[Any]:
        form = await read_form(request)
        target = one(form, "next") or "/console/"
        if not target.startswith("/console/") or "//" in target:
            target = "/console/"
        try:
            token = await sign_in(conn, state, one(form, "key") or "")
        except BarterError as exc:
            if exc.instance_code != "console_not_for_role":
                raise
            shown = console_errors.bilingual(
                "key",
                lambda: _(
                    "This console is for communities and coordinators. "
                    "Partners read the figures through the API."
                ),
            )
            return page("signin.html", None, "", status_code=403, next=target, error=[shown])
        if token is None:
            return page(
                "signin.html",
                None,
                "",
                status_code=401,
                next=target,
                error=[
                    console_errors.bilingual(
                        "key", lambda: _("That key is not valid or has been revoked. Check it and try again.")
                    )
                ],
            )
        return with_cookie(Redirect(path=target, status_code=303), request, token)

    @post("/signout")
    async def signout(self, request: Request[Any, Any, Any], state: State, conn: Conn) -> Response[Any]:
        await sign_out(conn, state, request)
        return with_cookie(Redirect(path="/console/signin", status_code=303), request, None)

    @get("/lang/{code:str}")
    async def language(self, code: FromPath[str], next: FromQuery[str | None] = None) -> Response[Any]:
        target = next if next and next.startswith("/console/") and "//" not in next else "/console/"
        chosen = "en" if code == "en" else "th"
        response: Response[Any] = Redirect(path=target, status_code=303)
        response.set_cookie(Cookie(key="lang", value=chosen, path="/", max_age=365 * 86400, samesite="lax"))
        return response


# --- today --------------------------------------------------------------------------------------


def _mine(viewer: ViewerDep, p: uses.ProposalOut) -> dict[str, Any]:
    """What this proposal waits for from me."""
    caller = viewer.caller
    my_regions = [r for r in p.pending.approve if caller.covers_region(r)]
    my_accepts = [
        part
        for part in p.participants
        if part.community_id in p.pending.accept and caller.acts_for(part.community_id, part.region)
    ]
    my_receipts = [
        part
        for part in p.participants
        if part.community_id in p.pending.receive and caller.acts_for(part.community_id, part.region)
    ]
    return {"approve": my_regions, "accept": my_accepts, "receive": my_receipts}


class Today(Controller):
    @get("/")
    async def today(self, conn: Conn, viewer: ViewerDep, state: State) -> Template:
        caller = viewer.caller
        now = state.clock.now()
        proposed = await uses.proposals(conn, caller, status="proposed")
        moving = await uses.proposals(conn, caller, status="approved") + await uses.proposals(
            conn, caller, status="in_transit"
        )
        # What waits for my decision: a coordinator's approval, or a community's answer (it approves
        # none); a community's "yet to answer" are the others it waits for, not itself.
        own = caller.role == "community"
        to_decide = [p for p in proposed if _mine(viewer, p)["accept" if own else "approve"]]
        unanswered = [
            (p, part)
            for p in proposed
            for part in p.participants
            if part.community_id in p.pending.accept
            and not (own and part.community_id == caller.community_id)
        ]
        expiring = [p for p in proposed if uses.expiring(p, now)]
        to_receive = [p for p in moving if _mine(viewer, p)["receive"]]
        shipments = (
            [s for s in await uses.shipments(conn, caller) if s.status in ("planned", "loading")]
            if caller.role in ("admin", "coordinator")
            else []
        )
        runs = await uses.runs_of(conn, caller, limit=1)
        supply = await uses.supply_demand(conn, caller)
        consents = [
            r for r in await uses.run_requests(conn, caller, state.clock) if uses.waiting_on(caller, r)
        ]
        return page(
            "today.html",
            viewer,
            "today",
            to_decide=to_decide,
            unanswered=unanswered,
            expiring=expiring,
            to_receive=to_receive,
            shipments=shipments,
            last_run=runs[0] if runs else None,
            supply=supply,
            today=now,
            consents=consents,
            waiting=len(to_decide) + len(unanswered) + len(to_receive) + len(shipments) + len(consents),
        )


# --- communities --------------------------------------------------------------------------------


def _community_values(form: Form, errors: list[FieldError]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name_th": one(form, "name_th"),
        "name_en": one(form, "name_en"),
        "kind": one(form, "kind"),
        "province_code": one(form, "province_code"),
        "subdistrict_code": one(form, "subdistrict_code"),
        "contact": one(form, "contact"),
        "lat": number(form, "lat", errors),
        "lon": number(form, "lon", errors),
    }
    if values["lat"] is None and values["subdistrict_code"]:
        # No point picked on the map: the sub-district's own point.
        sub = subdistricts_by_code().get(values["subdistrict_code"])
        if sub is not None and sub.lat is not None:
            values["lat"], values["lon"] = sub.lat, sub.lon
    return values


def _point_as_typed(values: dict[str, Any], form: Form) -> dict[str, Any]:
    """A refused form's values with its latitude and longitude as typed: one that is no number
    ("6,86" for 6.86) is said refused, and stays in its field to be corrected, not emptied."""
    return {**values, "lat": one(form, "lat"), "lon": one(form, "lon")}


async def _community_form(
    conn: Conn,
    viewer: ViewerDep,
    values: dict[str, Any],
    *,
    error: Sequence[console_errors.Said] = (),
    similar: Any = (),
    community: uses.CommunityOut | None = None,
    typed: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """The form to register or edit a community; `typed`: what was typed into an edit someone
    else's save overtook, listed beside the form that shows what is saved now."""
    fields = ("name_th", "name_en", "kind", "province_code", "subdistrict_code", "contact", "lat", "lon")
    values = {**dict.fromkeys(fields), **values}
    province = values["province_code"] or ""
    return page(
        "community_form.html",
        viewer,
        "communities",
        status_code=status_code,
        values=values,
        provinces=i18n.in_order(
            await uses.provinces(conn), lambda p: (p["name_th"],), lambda p: (p["name_en"],)
        ),
        districts=_districts(province),
        kinds=KINDS,
        error=list(error),
        similar=list(similar),
        community=community,
        typed=dict(typed or {}),
        map=maps.base_map(),
    )


def _districts(province_code: str) -> list[list[Subdistrict]]:
    """A province's sub-districts for a list to choose from, under their districts, each in the
    reader's alphabetical order: a province has up to some 300 of them, listed by code."""
    ordered = i18n.in_order(
        (s for s in load_subdistricts() if s.province_code == province_code),
        lambda s: (s.district_th, s.name_th),
        lambda s: (s.district_en, s.name_en),
    )
    return [list(subs) for _, subs in itertools.groupby(ordered, lambda s: s.district_en)]


def _where(c: uses.CommunityOut) -> tuple[str, ...]:
    """Where a community is, finest first, for a map label that must tell it from a namesake:
    its sub-district (where it gave one), then its province."""
    sub = subdistricts_by_code().get(c.subdistrict_code or "")
    province = i18n.pick(c.province_name_th, c.province_name_en)
    return (i18n.pick(sub.name_th, sub.name_en), province) if sub else (province,)


def _points(found: list[uses.CommunityOut], span: float | None = None) -> list[maps.Point]:
    """The communities' own points, to draw on a map `span` wide (maps.apart); the console lists
    only communities the viewer acts for, whose point it sees (`Caller.sees_point`), and draws
    none it may not know. Communities registered without a point of their own all stand at their
    province's centre: they are set apart around it, so that each shows."""
    spots = maps.apart({c.id: (c.lat, c.lon) for c in found if c.lat is not None and c.lon is not None}, span)
    return [
        maps.Point(
            *maps.project(*spots[c.id]), i18n.pick(c.name_th, c.name_en), community=c.id, places=_where(c)
        )
        for c in found
        if c.id in spots
    ]


class Communities(Controller):
    path = "/communities"

    @get("/")
    async def list_communities(
        self, conn: Conn, viewer: ViewerDep, q: FromQuery[str | None] = None
    ) -> Response[Any]:
        if viewer.caller.role == "community":
            return to(f"/communities/{viewer.caller.community_id}")
        found = i18n.in_order(  # by province, then name: a region's 40 villages were in the order registered
            await uses.list_communities(conn, viewer.caller, q=q),
            lambda c: (c.province_name_th, c.name_th or c.name_en or ""),
            lambda c: (c.province_name_en, c.name_en or c.name_th or ""),
        )
        m = maps.base_map()
        m.points += _points(found, span=m.width)  # the whole country, unzoomed
        return page("communities.html", viewer, "communities", communities=found, q=q or "", map=m)

    @get("/new")
    async def new(
        self, conn: Conn, viewer: ViewerDep, province_code: FromQuery[str | None] = None
    ) -> Template:
        return await _community_form(conn, viewer, {"province_code": province_code or "", "kind": "fishing"})

    @post("/")
    async def create(self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep) -> Response[Any]:
        form = await read_form(request)
        errors: list[FieldError] = []
        values = _community_values(form, errors)
        try:
            if not one(form, "confirm") and values["province_code"]:
                similar = await uses.similar_communities(
                    conn, viewer.caller, values["name_th"] or values["name_en"] or "", values["province_code"]
                )
                if similar:
                    return await _community_form(conn, viewer, values, similar=similar)
            data = convert(values, uses.CommunityCreate, errors + uses.community_name_errors(dict(values)))
            created = await uses.create_community(conn, viewer.caller, data)
        except ValidationFailed as exc:
            return await _community_form(
                conn, viewer, _point_as_typed(values, form), error=_messages(exc), status_code=422
            )
        return to(f"/communities/{created.id}")

    @get("/subdistricts")
    async def subdistricts(self, viewer: ViewerDep, province_code: FromQuery[str] = "") -> Template:
        return page("_subdistricts.html", viewer, "", districts=_districts(province_code), selected="")

    @get("/{community_id:int}")
    async def detail(self, conn: Conn, viewer: ViewerDep, community_id: FromPath[int]) -> Template:
        return await _community_page(conn, viewer, community_id)

    @get("/{community_id:int}/edit")
    async def edit(self, conn: Conn, viewer: ViewerDep, community_id: FromPath[int]) -> Template:
        c = await uses.community(conn, viewer.caller, community_id)
        return await _community_form(conn, viewer, msgspec.structs.asdict(c), community=c)

    @post("/{community_id:int}/edit")
    async def update(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, community_id: FromPath[int]
    ) -> Response[Any]:
        c = await uses.community(conn, viewer.caller, community_id)
        form = await read_form(request)
        errors: list[FieldError] = []
        values = _community_values(form, errors)
        if values["lat"] is None:
            values.pop("lat")
            values.pop("lon")
        try:
            data = convert(values, uses.CommunityPatch, errors)
            version = int(one(form, "version") or c.version)
            await uses.update_community(conn, viewer.caller, community_id, version, data)
        except ValidationFailed as exc:
            return await _community_form(
                conn,
                viewer,
                _point_as_typed(values, form),
                community=c,
                error=_messages(exc),
                status_code=422,
            )
        except StaleVersion as exc:
            # Someone else saved first: the form as it is saved now, what was typed listed.
            now = await uses.community(conn, viewer.caller, community_id)
            return await _community_form(
                conn,
                viewer,
                msgspec.structs.asdict(now),
                community=now,
                error=_saved_first(lambda: _("this community's details")),
                typed=_entered(form),
                status_code=exc.status,
            )
        return to(f"/communities/{community_id}")

    @post("/{community_id:int}/offers")
    async def post_offer(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        community_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        errors: list[FieldError] = []
        values = {
            "community_id": community_id,
            "item_id": one(form, "item_id"),
            "quantity": number(form, "quantity", errors),
            "min_lot": number(form, "min_lot", errors),
            "available_from": day(form, "available_from", errors),
            "available_until": day(form, "available_until", errors),
            "note": one(form, "note"),
        }
        try:
            posted = await uses.post_offer(
                conn, viewer.caller, convert(values, uses.OfferCreate, errors), state.clock
            )
        except ValidationFailed as exc:
            return await _community_page(
                conn, viewer, community_id, offer_error=_messages(exc), offer_form=form, status_code=422
            )
        return to(f"/communities/{community_id}#offer-{posted.id}")  # the new listing, in view

    @post("/{community_id:int}/needs")
    async def post_need(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        community_id: FromPath[int],
    ) -> Response[Any]:
        form = await read_form(request)
        errors: list[FieldError] = []
        what = one(form, "what") or ""
        values = {
            "community_id": community_id,
            "item_id": what.removeprefix("item:") if what.startswith("item:") else None,
            "category_id": what.removeprefix("category:") if what.startswith("category:") else None,
            "quantity": number(form, "quantity", errors),
            "min_lot": number(form, "min_lot", errors),
            "needed_by": day(form, "needed_by", errors),
            "priority": urgency(form, errors),
            "note": one(form, "note"),
        }
        try:
            posted = await uses.post_need(
                conn, viewer.caller, convert(values, uses.NeedCreate, errors), state.clock
            )
        except ValidationFailed as exc:
            return await _community_page(
                conn, viewer, community_id, need_error=_messages(exc), need_form=form, status_code=422
            )
        return to(f"/communities/{community_id}#need-{posted.id}")  # the new listing, in view

    @post(
        [
            "/{community_id:int}/offers/{listing_id:int}/edit",
            "/{community_id:int}/needs/{listing_id:int}/edit",
        ]
    )
    async def change(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        community_id: FromPath[int],
        listing_id: FromPath[int],
    ) -> Response[Any]:
        kind = _kind_in(request)
        form = await read_form(request)
        errors: list[FieldError] = []
        version = int(one(form, "version") or 0)
        values: dict[str, Any] = {
            "item_id": one(form, "item_id"),
            "quantity": number(form, "quantity", errors),
            "min_lot": number(form, "min_lot", errors),
        }
        try:
            if kind == "offers":
                values["available_until"] = day(form, "available_until", errors)
                data = convert(values, uses.OfferPatch, errors)
                await uses.change_offer(
                    conn, viewer.caller, community_id, listing_id, version, data, state.clock
                )
            else:
                values["needed_by"] = day(form, "needed_by", errors)
                data = convert(values, uses.NeedPatch, errors)
                await uses.change_need(
                    conn, viewer.caller, community_id, listing_id, version, data, state.clock
                )
        except (ValidationFailed, Conflict, StaleVersion) as exc:
            refused = isinstance(exc, ValidationFailed)
            changing = Changing(
                kind="offer" if kind == "offers" else "need",
                id=listing_id,
                error=_messages(exc) if isinstance(exc, ValidationFailed) else _moved_on(exc),
                # What was typed, unless the listing moved on meanwhile: then what it holds now,
                # and what was typed listed beside it, to type again.
                form=_entered(form) if refused else {},
                typed={} if refused else _entered(form),
            )
            return await _community_page(
                conn, viewer, community_id, changing=changing, status_code=exc.status
            )
        return to(f"/communities/{community_id}")

    @route(
        [
            "/{community_id:int}/offers/{listing_id:int}/withdraw",
            "/{community_id:int}/needs/{listing_id:int}/withdraw",
        ],
        http_method=["GET", "POST"],
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        viewer: ViewerDep,
        community_id: FromPath[int],
        listing_id: FromPath[int],
    ) -> Response[Any]:
        """Withdrawing asks first (GET), on a page of its own reached by a link, so without
        JavaScript too: one mis-tap beside "Save" took a village's listing out of matching. Only
        its confirmation's form withdraws (POST). Both go by the withdrawal's own rules: whoever
        may not withdraw the listing finds no such page."""
        kind: Literal["offer", "need"] = "offer" if _kind_in(request) == "offers" else "need"
        if request.method == "GET":
            listing = await uses.to_withdraw(conn, viewer.caller, community_id, kind, listing_id)
            categories = await uses.categories(conn)
            return page(
                "withdraw.html",
                viewer,
                "communities",
                kind=kind,
                listing=listing,
                question=console_errors.bilingual("", lambda: _withdraw_question(listing, categories)),
                notes=_withdraw_notes(listing),
                can=listing.status == "open" and not listing.held,
            )
        try:
            await uses.withdraw(conn, viewer.caller, community_id, kind, listing_id)
        except Conflict as exc:
            # held by an exchange, or closed meanwhile: said at the listing (or atop its list)
            changing = Changing(kind=kind, id=listing_id, error=[console_errors.of_detail(exc)], form={})
            return await _community_page(
                conn, viewer, community_id, changing=changing, status_code=exc.status
            )
        return to(f"/communities/{community_id}")

    @get("/{community_id:int}/account")
    async def account(self, conn: Conn, viewer: ViewerDep, community_id: FromPath[int]) -> Template:
        c = await uses.community(conn, viewer.caller, community_id)
        acct = await uses.account(conn, viewer.caller, community_id)
        return page("account.html", viewer, "communities", community=c, account=acct)


def _withdraw_question(listing: uses.OfferOut | uses.NeedOut, categories: list[dict[str, Any]]) -> Markup:
    """The question a withdrawal asks: the goods, what is left of them, whose ("ถอนรายการ ไข่ไก่
    300 ฟอง ของ <ชุมชน> ใช่ไหม?"); escaped, a community's name in the other language marked so
    (`i18n.named`)."""
    if listing.item_name_th or listing.item_name_en:
        goods = i18n.pick(listing.item_name_th, listing.item_name_en)
    else:  # a need for anything in a category
        goods = i18n.any_of(i18n.category_name(listing.category_id or "", categories))
    return escape(_("Withdraw %(goods)s, %(amount)s, of %(community)s?")) % {
        "goods": goods,
        "amount": i18n.quantity(listing.remaining, listing.unit, listing.item_id),
        "community": i18n.named(listing.community_name_th, listing.community_name_en),
    }


def _withdraw_notes(listing: uses.OfferOut | uses.NeedOut) -> list[console_errors.Said]:
    """What withdrawing does, in plain words, before it is done: it cannot be undone (the row stays,
    withdrawn, and nothing opens it again: a new listing is posted instead); a recurring offer opens
    no more; while exchanges hold part of it, it cannot be withdrawn (the service refuses it)."""
    if listing.status != "open":
        return [
            console_errors.bilingual(
                "", lambda: _("This listing is no longer open: it was withdrawn, or all of it was delivered.")
            )
        ]
    notes = [
        console_errors.bilingual(
            "",
            lambda: _(
                "Once withdrawn, it is no longer offered to matching, and it cannot be undone: to"
                " list it again, post it anew."
            ),
        )
    ]
    every = getattr(listing, "recur_every", None)
    if every == "week":
        notes.append(
            console_errors.bilingual("", lambda: _("It opens again every week; withdrawn, it opens no more."))
        )
    elif every == "month":
        notes.append(
            console_errors.bilingual(
                "", lambda: _("It opens again every month; withdrawn, it opens no more.")
            )
        )
    if listing.delivered:
        notes.append(
            console_errors.bilingual("", lambda: _("What was delivered already stays in the account."))
        )
    if listing.held:
        notes.append(
            console_errors.bilingual(
                "held",
                lambda: (
                    _(
                        "It cannot be withdrawn now: %(amount)s of it are held by proposed exchanges."
                        " Decline those exchanges first."
                    )
                    % {"amount": i18n.quantity(listing.held, listing.unit, listing.item_id)}
                ),
            )
        )
    return notes


def _kind_in(request: Request[Any, Any, Any]) -> str:
    """`offers` or `needs`: which list a listing's route is under."""
    return "offers" if "/offers/" in request.url.path else "needs"


def _messages(exc: ValidationFailed) -> list[console_errors.Said]:
    return console_errors.said(exc.errors)


def _saved_first(what: Callable[[], str]) -> list[console_errors.Said]:
    """Why a change was not saved when someone else saved `what` (e.g. `_("this listing")`) in
    between (412, stale version), in the console's words: the service's speak of version numbers.
    The form then shows what is saved now and lists what was typed."""
    return [
        console_errors.bilingual(
            "",
            lambda: _(
                "Someone else changed {what} while you were editing, so your change was not"
                " saved. The fields show what is saved now; what you typed is listed under this"
                " message. Type again what you still want to change, then save."
            ).format(what=what()),
        )
    ]


def _moved_on(exc: Conflict | StaleVersion) -> list[console_errors.Said]:
    """Why a change of a listing that moved on meanwhile was not saved."""
    if isinstance(exc, StaleVersion):
        return _saved_first(lambda: _("this listing"))
    return [console_errors.of_detail(exc)]


@dataclass(frozen=True)
class Changing:
    """A change of one offer or need that was refused: its form is shown open, with the error."""

    kind: str  # "offer" or "need"
    id: int
    error: list[console_errors.Said]
    form: dict[str, str]  # what was typed, by field name; empty: the listing's stored values
    # What was typed when the form shows the stored values instead (the listing moved on): listed
    # at the listing, so nothing typed is lost.
    typed: dict[str, str] = field(default_factory=dict)
    gone: bool = False  # no longer open, so not on the page: said at the top of its list instead


def _gone(changing: Changing) -> Changing:
    """A refused change of a listing that closed meanwhile (withdrawn, or all of it delivered):
    it is no longer listed, so there is no form to show; what was typed is listed instead."""
    said = console_errors.bilingual(
        "",
        lambda: _(
            "This listing closed while you were editing: someone withdrew it, or all of it was"
            " delivered. Your change was not saved; what you typed is listed under this message."
        ),
    )
    return replace(changing, error=[said], form={}, typed=changing.typed or changing.form, gone=True)


def _entered(form: Form | None) -> dict[str, str]:
    """What the viewer typed in a form that was refused, to show it again (empty: a fresh form)."""
    return {k: v[0] for k, v in (form or {}).items() if v and k != "_csrf_token"}


async def _community_page(
    conn: Conn,
    viewer: ViewerDep,
    community_id: int,
    *,
    offer_error: Sequence[console_errors.Said] = (),
    need_error: Sequence[console_errors.Said] = (),
    offer_form: Form | None = None,
    need_form: Form | None = None,
    changing: Changing | None = None,
    status_code: int = 200,
) -> Template:
    c = await uses.community(conn, viewer.caller, community_id)
    offers = await uses.offers_of(conn, viewer.caller, community_id)
    needs = await uses.needs_of(conn, viewer.caller, community_id)
    listed = offers if changing is not None and changing.kind == "offer" else needs
    if changing is not None and all(x.id != changing.id for x in listed):
        changing = _gone(changing)
    proposals = await uses.proposals(conn, viewer.caller, community_id=community_id, limit=20)
    m = maps.base_map()
    m.points += _points([c])
    m = maps.zoom(m)
    return page(
        "community.html",
        viewer,
        "communities",
        status_code=status_code,
        community=c,
        offers=offers,
        needs=needs,
        proposals=proposals,
        items=await uses.items(conn),
        categories=await uses.categories(conn),
        offer_error=list(offer_error),
        need_error=list(need_error),
        offer_form=_entered(offer_form),
        need_form=_entered(need_form),
        changing=changing,
        map=m,
    )


# --- goods ----------------------------------------------------------------------------------------

GOODS = "/console/goods/"
UNITS = ("kg", "litre", "piece", "pack")
GOODS_FIELDS = (
    "name_th",
    "name_en",
    "category_id",
    "unit",
    "kg_per_unit",
    "reference_value",
    "shelf_life_days",
    "synonyms_th",
    "counted_th",
)


def _whole(value: float | None) -> int | float | None:
    """A count typed as a number ("3", "3.0"): whole, as the input takes it; else as it is, for the
    input's own checks to refuse (`whole_number`)."""
    return int(value) if value is not None and float(value).is_integer() else value


def _names(text: str | None) -> list[str]:
    """Other names typed in one box, separated by commas or lines (ปลาช่อนสด, ปลาช่อนนา)."""
    return [name.strip() for name in re.split(r"[,\n\r]+", text or "") if name.strip()]


def _goods_input(form: Form) -> uses.ItemNew:
    """The goods as typed in the form, or ValidationFailed naming each field refused."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "name_th": one(form, "name_th"),
        "name_en": one(form, "name_en"),
        "category_id": one(form, "category_id"),
        "unit": one(form, "unit"),
        "kg_per_unit": number(form, "kg_per_unit", errors),
        "reference_value": number(form, "reference_value", errors),
        "shelf_life_days": _whole(number(form, "shelf_life_days", errors)),
        "synonyms_th": _names(one(form, "synonyms_th")),
        "counted_th": one(form, "counted_th"),
    }
    data: uses.ItemNew = convert(values, uses.ItemNew, errors)
    return data


def _matches(item: uses.ItemOut, q: str) -> bool:
    """The goods are named by `q`: their Thai or English name, or another of their Thai names."""
    wanted = re.sub(r"\s+", "", q).lower()
    return any(
        wanted in re.sub(r"\s+", "", name).lower() for name in (item.name_th, item.name_en, *item.synonyms_th)
    )


async def _goods_page(
    conn: Conn,
    viewer: Viewer,
    *,
    q: str = "",
    added: str | None = None,
    error: Sequence[console_errors.Said] = (),
    form: Form | None = None,
    status_code: int = 200,
) -> Template:
    """The catalogue by category, each category's goods in the catalogue's order (the shipped
    ones first, then those the network added); coordinators and admins also see the goods their
    communities named that it lacks, and the form to add goods (`form`: what was typed into one
    that was refused, to show it again, or the name of goods named to add)."""
    goods = await uses.goods(conn)
    shown = [i for i in goods if _matches(i, q)] if q.strip() else goods
    categories = await uses.categories(conn)
    can_add = viewer.caller.role in ("admin", "coordinator")
    return page(
        "goods.html",
        viewer,
        "goods",
        status_code=status_code,
        categories=categories,
        groups=[(c, [i for i in shown if i.category_id == c["id"]]) for c in categories],
        found=len(shown),
        q=q,
        added=next((i for i in goods if i.id == added), None),
        can_add=can_add,
        unknown=await uses.goods_named_unknown(conn, viewer.caller) if can_add else [],
        units=UNITS,
        error=list(error),
        form={**dict.fromkeys(GOODS_FIELDS, ""), **_entered(form)},
    )


class Goods(Controller):
    """สินค้า: the catalogue of goods every channel reads, open to every signed-in reader; goods
    it lacks (ปลาช่อน, ข้าวโพด) are added here by coordinators and admins."""

    path = "/goods"

    @get("/")
    async def catalogue(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        q: FromQuery[str | None] = None,
        name_th: FromQuery[str | None] = None,
    ) -> Template:
        """With the goods just added said once (a flash: a reload does not say it again);
        `name_th`: the add form opens with that name in it (goods communities named, to add)."""
        named = {"name_th": [name_th[:200]]} if name_th else None
        return await flashed_once(
            request,
            state,
            GOODS,
            lambda flashed: _goods_page(conn, viewer, q=q or "", added=flashed, form=named),
        )

    @post("/")
    async def add(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, state: State
    ) -> Response[Any]:
        uses.may_add_goods(viewer.caller)  # a community's post is refused as such, whatever it holds
        form = await read_form(request)
        try:
            added = await uses.add_goods(conn, viewer.caller, _goods_input(form), state.clock)
        except ValidationFailed as exc:
            return await _goods_page(conn, viewer, error=_messages(exc), form=form, status_code=422)
        redirect = Redirect(path=f"{GOODS}#goods-{added.id}", status_code=303)
        return with_flash(redirect, request, state, GOODS, added.id)


# --- matching -----------------------------------------------------------------------------------


class Matching(Controller):
    path = "/matching"

    @get("/")
    async def index(self, conn: Conn, viewer: ViewerDep, state: State) -> Template:
        return await _matching(conn, viewer, state)

    @post("/runs")
    async def start(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, state: State
    ) -> Response[Any]:
        form = await read_form(request)
        errors: list[FieldError] = []
        limit = number(form, "time_limit_s", errors)
        try:
            data = convert(
                {"regions": form.get("regions") or None, "time_limit_s": limit}, uses.RunCreate, errors
            )
            run, reservation = await uses.start_run(conn, viewer.caller, state.settings, state.runner, data)
        except ValidationFailed as exc:
            return await _matching(
                conn, viewer, state, start_error=_messages(exc), start_form=form, status_code=422
            )
        response = to(f"/matching/runs/{run.id}")
        # Starts once the response is sent, which is after this request's transaction committed.
        response.background = BackgroundTask(state.runner.start, reservation)
        return response

    @post("/requests")
    async def ask(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, state: State
    ) -> Response[Any]:
        """Ask the other regions' coordinators for a run across regions."""
        form = await read_form(request)
        errors: list[FieldError] = []
        limit = number(form, "time_limit_s", errors)
        regions = form.get("regions", []) + form.get("other_regions", [])
        try:
            data = convert(
                {"regions": regions or None, "time_limit_s": limit}, uses.RunConsentRequest, errors
            )
            await uses.ask_across(conn, viewer.caller, state.settings, state.clock, data)
        except ValidationFailed as exc:
            return await _matching(
                conn, viewer, state, ask_error=_messages(exc), ask_form=form, status_code=422
            )
        return to("/matching/")

    @post("/requests/{request_id:int}/{answer:str}")
    async def answer(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        request_id: FromPath[int],
        answer: FromPath[str],
    ) -> Response[Any]:
        """Consent to a run across regions, or decline it with a reason."""
        if answer not in ("consent", "decline"):
            raise ValidationFailed([FieldError("answer", "unknown answer", code="unknown")])
        form = await read_form(request)
        reason = one(form, "reason")
        if answer == "decline" and not reason:
            return await _matching(
                conn,
                viewer,
                state,
                answer_error=[
                    console_errors.bilingual(
                        "reason", lambda: _("Give a reason, so the requester knows why.")
                    )
                ],
                status_code=422,
            )
        data = convert({"answer": answer, "reason": reason}, uses.ConsentAnswer, [])
        out, reservation = await uses.answer_request(
            conn, viewer.caller, state.settings, state.runner, state.clock, request_id, data
        )
        if reservation is None:
            return to("/matching/")
        response = to(f"/matching/runs/{out.run_id}")
        response.background = BackgroundTask(state.runner.start, reservation)
        return response

    @get("/runs/{run_id:int}")
    async def run(self, conn: Conn, viewer: ViewerDep, run_id: FromPath[int]) -> Template:
        run = await uses.run(conn, viewer.caller, run_id)
        found = (
            await uses.proposals(conn, viewer.caller, run_id=run_id, limit=_RUN_LISTS)
            if run.status == "succeeded"
            else []
        )
        return page("run.html", viewer, "matching", run=run, proposals=found, listed_at_most=_RUN_LISTS)

    @get("/runs/{run_id:int}/progress")
    async def progress(self, conn: Conn, viewer: ViewerDep, run_id: FromPath[int]) -> Response[Any]:
        run = await uses.run(conn, viewer.caller, run_id)
        if run.status in ("succeeded", "failed"):
            # Done: the whole page again, with its result.
            response: Response[Any] = Response(content="", status_code=200, headers={"HX-Refresh": "true"})
            return response
        return page("_progress.html", viewer, "matching", run=run)


async def _matching(
    conn: Conn,
    viewer: Viewer,
    state: State,
    *,
    ask_error: Sequence[console_errors.Said] = (),
    answer_error: Sequence[console_errors.Said] = (),
    start_error: Sequence[console_errors.Said] = (),
    start_form: Form | None = None,
    ask_form: Form | None = None,
    status_code: int = 200,
) -> Template:
    caller = viewer.caller
    if caller.role not in ("admin", "coordinator"):
        return coordinators_only(viewer, "matching", lambda: _("Matching runs are started by coordinators."))
    regions = list(REGIONS) if caller.is_admin else sorted(caller.regions)
    requests = await uses.run_requests(conn, caller, state.clock)
    return page(
        "matching.html",
        viewer,
        "matching",
        status_code=status_code,
        runs=await uses.runs_of(conn, caller),
        regions=regions,
        other_regions=[] if caller.is_admin else [r for r in REGIONS if r not in caller.regions],
        requests=requests,
        waiting={r.id: uses.waiting_on(caller, r) for r in requests},
        to_answer=[r for r in requests if uses.waiting_on(caller, r)],
        ask_error=list(ask_error),
        answer_error=list(answer_error),
        start_error=list(start_error),
        # A refused form comes back as typed (regions ticked, time limit); None: a fresh form.
        start_form=start_form,
        ask_form=ask_form,
    )


# --- proposals ----------------------------------------------------------------------------------


BANGKOK = "10"  # a special administrative area, not a จังหวัด


def province_phrase(place: uses.PlaceOut) -> str:
    """'จังหวัดยโสธร' / 'Yasothon province'; Bangkok by its name alone."""
    name = i18n.pick(place.province_name_th, place.province_name_en)
    return name if place.province_code == BANGKOK else _("%(name)s province") % {"name": name}


def proposal_map(p: uses.ProposalOut, places: dict[int, uses.PlaceOut]) -> maps.Map:
    """Every participant and an arrow for every transfer; a participant whose own point the viewer
    may not know stands, hollow, at its province's centre and says so."""
    names = {part.community_id: i18n.pick(part.name_th, part.name_en) for part in p.participants}
    spots = maps.apart({cid: (places[cid].lat, places[cid].lon) for cid in names if cid in places})
    m = maps.base_map()
    for cid, (lat, lon) in spots.items():
        x, y = maps.project(lat, lon)
        place = places[cid]
        note = (
            ""
            if place.exact
            else _("approximate location (%(province)s)") % {"province": province_phrase(place)}
        )
        where = (i18n.pick(place.province_name_th, place.province_name_en),)  # what any viewer may read
        m.points.append(maps.Point(x, y, names[cid], community=cid, approx=note, places=where))
    return maps.zoom(
        maps.with_arrows(
            m,
            [
                (
                    spots[t.giver_id],
                    spots[t.receiver_id],
                    " ".join(
                        (
                            i18n.pick(t.item_name_th, t.item_name_en),
                            i18n.quantity(t.quantity, t.unit, t.item_id),
                        )
                    ),
                )
                for t in p.transfers
                if t.giver_id in spots and t.receiver_id in spots
            ],
        )
    )


class Proposals(Controller):
    path = "/proposals"

    @get("/")
    async def queue(
        self,
        conn: Conn,
        viewer: ViewerDep,
        show: FromQuery[str] = "waiting",
        before: FromQuery[int | None] = None,
    ) -> Template:
        return await _queue(conn, viewer, show, before=before)

    @get("/{proposal_id:int}")
    async def card(self, conn: Conn, viewer: ViewerDep, proposal_id: FromPath[int]) -> Template:
        return await _card(conn, viewer, proposal_id)

    @post("/{proposal_id:int}/{action:str}")
    async def act(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        viewer: ViewerDep,
        state: State,
        proposal_id: FromPath[int],
        action: FromPath[str],
    ) -> Response[Any]:
        if action not in ACTIONS:
            raise ValidationFailed([FieldError("action", "unknown action", code="unknown")])
        form = await read_form(request)
        reason = one(form, "reason")
        if action in ("decline", "reject") and not reason:
            return await _card(
                conn,
                viewer,
                proposal_id,
                error=_("Give a reason, so the communities know why."),
                status_code=422,
            )
        community = one(form, "community_id")
        try:
            async with conn.transaction():  # a savepoint: a refused move leaves nothing behind
                moved = await uses.move(
                    conn,
                    viewer.caller,
                    proposal_id,
                    action,
                    state.clock,
                    community_id=int(community) if community else None,
                    reason=reason,
                )
        except TransitionConflict as exc:  # said on the card, in the reader's language
            said = (
                i18n.detail(exc)
                if exc.detail_th
                else f"{_('This has changed meanwhile; reload the page and try again.')} ({exc.detail})"
            )
            return await _card(conn, viewer, proposal_id, error=said, status_code=exc.status)
        if moved.conflict is not None:
            return await _card(
                conn, viewer, proposal_id, error=_("This exchange's hold has expired."), status_code=409
            )
        return to(f"/proposals/{proposal_id}")

    @post("/approve")
    async def bulk_approve(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, state: State
    ) -> Response[Any]:
        form = await read_form(request)
        approved: list[int] = []
        refused: list[int] = []
        for raw in form.get("ids", []):
            proposal_id = int(raw)
            try:
                async with conn.transaction():  # a savepoint: one refusal leaves the others
                    moved = await uses.move(conn, viewer.caller, proposal_id, "approve", state.clock)
            except BarterError:
                refused.append(proposal_id)
                continue
            (refused if moved.conflict is not None else approved).append(proposal_id)
        return await _queue(conn, viewer, "waiting", approved=approved, refused=refused)


async def _queue(
    conn: Conn,
    viewer: Viewer,
    show: str,
    *,
    before: int | None = None,
    approved: Sequence[int] = (),
    refused: Sequence[int] = (),
) -> Template:
    """The exchanges `show` asks for: what waits for me (all of it), or a status or all of them a
    page at a time, newest first (`before`: the page after the exchange of that id)."""
    status = None if show in ("waiting", "all") else show
    older: int | None = None
    if show == "waiting":
        found = await uses.proposals(conn, viewer.caller, status=status)
        found = [p for p in found if any(_mine(viewer, p).values())]
    else:
        found = await uses.proposals(conn, viewer.caller, status=status, before_id=before, limit=_PAGE + 1)
        if len(found) > _PAGE:
            found = found[:_PAGE]
            older = found[-1].id
    return page(
        "proposals.html",
        viewer,
        "proposals",
        proposals=found,
        show=show,
        older=older,
        mine={p.id: _mine(viewer, p) for p in found},
        approvable=any(_mine(viewer, p)["approve"] for p in found),
        approved=list(approved),
        refused=list(refused),
    )


async def _card(
    conn: Conn, viewer: ViewerDep, proposal_id: int, *, error: str = "", status_code: int = 200
) -> Template:
    p = await uses.proposal(conn, viewer.caller, proposal_id)
    return page(
        "proposal.html",
        viewer,
        "proposals",
        status_code=status_code,
        p=p,
        mine=_mine(viewer, p),
        error=error,
        map=proposal_map(p, await uses.places(conn, viewer.caller, p)),
        can_approve=bool(_mine(viewer, p)["approve"]),
        covers=any(viewer.caller.covers_region(r) for r in p.regions),
    )


# --- logistics ----------------------------------------------------------------------------------


def shipment_map(shipments: list[uses.ShipmentOut]) -> maps.Map:
    m = maps.base_map()
    for s in shipments:
        stops = [(st.lat, st.lon) for st in s.stops]
        m.points += [
            maps.Point(
                *maps.project(st.lat, st.lon), i18n.pick(st.name_th, st.name_en), community=st.community_id
            )
            for st in s.stops
        ]
        maps.with_arrows(m, [(a, b, s.code) for a, b in itertools.pairwise(stops) if a != b])
    return m


class Logistics(Controller):
    path = "/logistics"

    @get("/")
    async def index(self, conn: Conn, viewer: ViewerDep) -> Template:
        if viewer.caller.role not in ("admin", "coordinator"):
            return coordinators_only(viewer, "logistics", lambda: _("Logistics are for coordinators."))
        plans = await uses.plans(conn, viewer.caller)
        shipments = await uses.shipments(conn, viewer.caller)
        return page(
            "logistics.html",
            viewer,
            "logistics",
            plans=plans,
            shipments=shipments,
            map=shipment_map(shipments),
        )

    @post("/plans")
    async def make_plan(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, state: State
    ) -> Response[Any]:
        form = await read_form(request)
        data = convert({"preview": bool(one(form, "preview"))}, uses.PlanCreate, [])
        made = await uses.plan(conn, viewer.caller, data, state.clock, state.settings)
        return to(f"/logistics/plans/{made.id}")

    @get("/plans/{plan_id:int}")
    async def plan(self, conn: Conn, viewer: ViewerDep, plan_id: FromPath[int]) -> Template:
        p = await uses.plan_of(conn, viewer.caller, plan_id)
        return page("plan.html", viewer, "logistics", plan=p, map=maps.zoom(shipment_map(p.shipments)))

    @get("/shipments/{shipment_id:int}/sheet")
    async def sheet(self, conn: Conn, viewer: ViewerDep, shipment_id: FromPath[int]) -> Template:
        sheet = await uses.driver_sheet(conn, viewer.caller, shipment_id)
        return page(
            "sheet.html",
            viewer,
            "logistics",
            s=sheet.shipment,
            communities=sheet.communities,
            region_phones=sheet.region_phones,
            rows=sheet.rows,
            map=maps.zoom(shipment_map([sheet.shipment])),
        )

    @post("/shipments/{shipment_id:int}/{action:str}")
    async def move(
        self, conn: Conn, viewer: ViewerDep, state: State, shipment_id: FromPath[int], action: FromPath[str]
    ) -> Response[Any]:
        if action not in ("loading", "depart"):
            raise ValidationFailed([FieldError("action", "unknown action", code="unknown")])
        s = await uses.move_shipment(conn, viewer.caller, shipment_id, action, state.clock)
        return to(f"/logistics/plans/{s.plan_id}")


# --- my details -----------------------------------------------------------------------------------

ME = "/console/me/"


async def _my_details(
    conn: Conn,
    viewer: Viewer,
    *,
    error: Sequence[console_errors.Said] = (),
    typed: str | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Template:
    """ข้อมูลของฉัน: the signed-in coordinator's name, role, regions and mobile number, with the
    form that sets, changes or removes it (the number a proposal SMS to its regions' communities
    says); an admin's details without it (only a coordinator's key carries a number). `typed`:
    what was typed into a refused form, shown again; `done`: "saved" or "removed", said once."""
    if viewer.caller.role not in ("admin", "coordinator"):
        return coordinators_only(viewer, "", lambda: _("This page is for coordinators."))
    key = await uses.my_key(conn, viewer.caller)
    return page(
        "me.html",
        viewer,
        "me",
        status_code=status_code,
        key=key,
        why=console_errors.bilingual(
            "",
            lambda: _(
                "Your number is sent in SMS to the communities of your regions that have no LINE,"
                " so that their members can call you."
            ),
        ),
        error=list(error),
        typed=typed,
        done=done,
    )


class MyDetails(Controller):
    """The signed-in viewer's own details, reached from the name in the header: always "mine" (no
    key's id in the address); the number is set through the same service as PUT /v1/keys/me/phone."""

    path = "/me"

    @get("/")
    async def mine(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, state: State
    ) -> Template:
        return await flashed_once(request, state, ME, lambda flashed: _my_details(conn, viewer, done=flashed))

    @post("/phone")
    async def set_phone(
        self, request: Request[Any, Any, Any], conn: Conn, viewer: ViewerDep, state: State
    ) -> Response[Any]:
        """Save the number typed (Thai digits, dashes and +66 taken as the API takes them), or
        remove it (the remove button, or the field emptied); a refused number is said under the
        field, as typed."""
        form = await read_form(request)
        typed = None if one(form, "remove") else one(form, "phone")
        try:
            data = (
                uses.KeyPhone(phone=None) if typed is None else convert({"phone": typed}, uses.KeyPhone, [])
            )
            key = await uses.set_my_phone(conn, viewer.caller, data)
        except ValidationFailed as exc:
            return await _my_details(conn, viewer, error=_messages(exc), typed=typed or "", status_code=422)
        done = "saved" if key.phone else "removed"
        return with_flash(Redirect(path=ME, status_code=303), request, state, ME, done)


@route("/{rest:path}", http_method=["GET", "POST"])
async def no_such_page(viewer: ViewerDep, rest: FromPath[str]) -> Response[Any]:
    """Any other path under /console/: the console's not-found page, navigation kept."""
    raise NotFound(f"No console page at {rest}")


HANDLERS: list[ControllerRouterHandler] = [
    no_such_page,
    SignIn,
    Today,
    Communities,
    LineCodes,
    Goods,
    Matching,
    Proposals,
    Logistics,
    MyDetails,
]
